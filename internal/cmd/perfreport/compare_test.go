package main

import (
	"reflect"
	"testing"
)

// regressed reads benchstat's CSV: more time, bytes or allocations, or less
// throughput, is a regression; "~" (not significant) and improvements are not.
func TestRegressedReadsBenchstatCSV(t *testing.T) {
	csv := "goos: linux\n" +
		",/tmp/x/previous,,/tmp/x/now\n" +
		",sec/op,CI,sec/op,CI,vs base,P\n" +
		"Consume-2,5e-07,1%,9e-07,2%,+80.00%,p=0.002 n=6\n" +
		"Decode-2,5e-07,1%,4e-07,2%,-20.00%,p=0.002 n=6\n" +
		"Snapshot-2,3e-07,1%,3e-07,2%,~,p=0.400 n=6\n" +
		"geomean,4e-07,,5e-07,,+10.00%,\n" +
		"\n,B/s,CI,B/s,CI,vs base,P\n" +
		"DecodePerEvent/T-2,2e+08,1%,1e+08,1%,-50.00%,p=0.002 n=6\n" +
		"\n,allocs/op,CI,allocs/op,CI,vs base,P\n" +
		"Consume-2,0,0%,2,0%,+Inf%,p=0.002 n=6\n"
	got := regressed([]byte(csv))
	want := []string{
		"Consume-2 sec/op +80.00% (p=0.002 n=6)",
		"DecodePerEvent/T-2 B/s -50.00% (p=0.002 n=6)",
		"Consume-2 allocs/op +Inf% (p=0.002 n=6)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("regressed:\n got %q\nwant %q", got, want)
	}
}
