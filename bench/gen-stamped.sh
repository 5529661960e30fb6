#!/bin/sh
# SPDX-License-Identifier: ISC
# gen-stamped.sh MIB [START]: writes about MIB MiB of TAI64N-stamped log
# lines on stdout, 40 to 300 bytes each, the same bytes on every machine
# (own Park-Miller generator: awk's rand() differs between awks). Labels
# start at unix time START (default: 2023-10-29 00:30 UTC, half an hour
# before Europe's autumn DST change) and advance 0 to 10 ms per line; one
# line in 64 carries no label.
mib=${1:?usage: gen-stamped.sh MIB [START]}
start=${2:-1698539400}
exec awk -v mib="$mib" -v start="$start" 'BEGIN {
	n = split("svscan supervise multilog run finish service started stopped " \
		"request from client took ms error warning GET POST /api/v1/items " \
		"user=42 connection closed reset timeout retry queue worker job done " \
		"status=200 bytes=1234 latency=0.003", w, " ")
	text = ""
	for (i = 0; length(text) < 4096; i++)
		text = text w[i % n + 1] " "
	x = 20231029
	limit = mib * 1048576
	sec = start
	ns = 0
	while (total < limit) {
		x = x * 16807 % 2147483647
		len = 40 + x % 261
		x = x * 16807 % 2147483647
		ns += x % 10000000
		if (ns >= 1000000000) { sec++; ns -= 1000000000 }
		x = x * 16807 % 2147483647
		body = substr(text, 1 + x % 3500, len - 27)
		if (x % 64 == 0)
			printf "  continued %s\n", substr(body, 13)
		else
			printf "@40000000%08x%08x %s\n", sec + 10, ns, body
		total += len
	}
}'
