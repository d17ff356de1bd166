# SPDX-License-Identifier: GPL-2.0-only
# The plots of bench/REPORT.md, from the data files scripts/bench.sh writes
# into dir: gnuplot -e "dir='bench'" bench/plot.gp

if (!exists("dir")) dir = "bench"
set terminal pngcairo size 900,540 font ",11"
set grid
set key outside right top

# rules.dat: rules, then miss, exact hit, subtree hit, each with hot ns,
# floor, ratio, cold ns, floor, ratio.
set output dir."/datapath-rules.png"
set title "xdpdns datapath: ns per packet (BPF\\_PROG\\_TEST\\_RUN) against rule count"
set logscale x 10
set xlabel "rules in the generation"
set ylabel "ns per packet"
set yrange [0:*]
plot dir."/rules.dat" using 1:2 with linespoints title "miss, hot", \
     "" using 1:8 with linespoints title "exact hit, hot", \
     "" using 1:14 with linespoints title "subtree hit, hot", \
     "" using 1:5 with linespoints title "miss, cold", \
     "" using 1:11 with linespoints title "exact hit, cold", \
     "" using 1:17 with linespoints title "subtree hit, cold", \
     "" using 1:3 with lines dashtype 2 title "XDP\\_DROP floor, hot", \
     "" using 1:6 with lines dashtype 2 title "XDP\\_DROP floor, cold"

# labels.dat: labels, hot miss, hot subtree hit, cold miss (ns, floor, ratio).
set output dir."/datapath-labels.png"
set title "xdpdns datapath: ns per packet against name length (1M rules)"
unset logscale x
set xlabel "labels in the query name"
set xrange [1.5:20.5]
plot dir."/labels.dat" using 1:2 with linespoints title "miss, hot", \
     "" using 1:5 with linespoints title "subtree hit, hot", \
     "" using 1:8 with linespoints title "miss, cold", \
     "" using 1:3 with lines dashtype 2 title "XDP\\_DROP floor, hot", \
     "" using 1:9 with lines dashtype 2 title "XDP\\_DROP floor, cold"

# peers.dat: mix, then queries per second of Unbound local-zone, Unbound
# RPZ, dnsdist, xdpdns.
set output dir."/peers-qps.png"
set title "queries per second answered on the veth lab, 1M-name blocklist"
set xrange [*:*]
set xlabel "query mix"
set ylabel "queries per second"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
plot dir."/peers.dat" using 2:xtic(1) title "Unbound local-zone", \
     "" using 3 title "Unbound RPZ", \
     "" using 4 title "dnsdist suffix match", \
     "" using 5 title "xdpdns in front of Unbound"

# misspath.dat: round, side (alone, pass or behind), queries per second.
set output dir."/misspath.png"
set title "unblocked names: Unbound alone and behind xdpdns, round by round"
set style data linespoints
set xlabel "round"
set xrange [0.5:*]
set xtics 1
plot dir."/misspath.dat" using 1:(strcol(2) eq "alone" ? $3 : 1/0) title "Unbound alone", \
     "" using 1:(strcol(2) eq "pass" ? $3 : 1/0) title "Unbound behind a bare XDP\\_PASS", \
     "" using 1:(strcol(2) eq "behind" ? $3 : 1/0) title "Unbound behind xdpdns"
