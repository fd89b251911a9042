package desk_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/holidays"
)

// benchInstants returns n seeded random instants in 2026, open and closed alike.
func benchInstants(n int) []time.Time {
	r := rand.New(rand.NewPCG(2026, 4))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, ams)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = start.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
	}
	return out
}

func benchClock(b *testing.B) *desk.Clock {
	k, err := desk.NewClock(desk.DefaultCalendars()[1], holidays.NL())
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// BenchmarkAdd measures deadline computations on the business calendar with the Dutch
// holidays: a P3 resolution target of 3 days of open time (8 working days, about 11 calendar
// days) from random instants in a year. It reports ns/op and deadlines per second.
func BenchmarkAdd(b *testing.B) {
	k := benchClock(b)
	from := benchInstants(1024)
	target := time.Duration(desk.DefaultTargets()[2].ResolutionMin) * time.Minute
	var sink time.Time
	n := 0
	for b.Loop() {
		sink = k.Add(from[n%len(from)], target)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "ops/s")
	_ = sink
}

// BenchmarkAddParallel is BenchmarkAdd on every CPU at once, over one shared clock, as the
// jobs and the web handlers of one instance use it.
func BenchmarkAddParallel(b *testing.B) {
	k := benchClock(b)
	from := benchInstants(1024)
	target := time.Duration(desk.DefaultTargets()[2].ResolutionMin) * time.Minute
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			_ = k.Add(from[n%len(from)], target)
			n++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkBetween measures the open time of two weeks from random instants, as a resume
// after a pause computes it.
func BenchmarkBetween(b *testing.B) {
	k := benchClock(b)
	from := benchInstants(1024)
	var sink time.Duration
	n := 0
	for b.Loop() {
		f := from[n%len(from)]
		sink = k.Between(f, f.Add(14*24*time.Hour))
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "ops/s")
	_ = sink
}

// BenchmarkStartSLA measures starting an incident's clocks: four deadline computations.
func BenchmarkStartSLA(b *testing.B) {
	k := benchClock(b)
	from := benchInstants(1024)
	t := desk.DefaultTargets()[2]
	n := 0
	for b.Loop() {
		_ = desk.StartSLA(k, from[n%len(from)], t, desk.DefaultWarnShare)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "ops/s")
}
