package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"text/tabwriter"
	"time"
)

// Figure is one measured number.
type Figure struct {
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Target   string   `json:"target"`
	Measured float64  `json:"measured"`
	Floor    *float64 `json:"floor"`
	Ratio    *float64 `json:"ratio"`
	// Note says how the figure was made when that is not obvious.
	Note string `json:"note,omitempty"`
}

// Report collects figures in the order they were measured.
type Report struct {
	Scale   string   `json:"scale"`
	Figures []Figure `json:"figures"`
}

// Add records a figure without a floor.
func (r *Report) Add(name, unit, target string, measured float64, note string) {
	r.Figures = append(r.Figures, Figure{Name: name, Unit: unit, Target: target, Measured: round(measured), Note: note})
}

// AddWithFloor records a figure and the floor it is compared to.
func (r *Report) AddWithFloor(name, unit, target string, measured, floor float64) {
	f, ratio := round(floor), round(measured/floor)
	r.Figures = append(r.Figures, Figure{Name: name, Unit: unit, Target: target, Measured: round(measured), Floor: &f, Ratio: &ratio})
}

func round(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	digits := 3 - int(math.Floor(math.Log10(math.Abs(v))))
	if digits < 0 {
		digits = 0
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// Print writes the table people read.
func (r *Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "figure\ttarget\tmeasured\tunit\tfloor\tratio\t\n")
	for _, f := range r.Figures {
		floor, ratio := "-", "-"
		if f.Floor != nil {
			floor = fmt.Sprint(*f.Floor)
		}
		if f.Ratio != nil {
			ratio = fmt.Sprint(*f.Ratio) + "×"
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%s\t\n", f.Name, f.Target, f.Measured, f.Unit, floor, ratio)
	}
	tw.Flush()
}

// WriteJSON writes bench.json: the list of figures.
func (r *Report) WriteJSON(path string) error {
	raw, err := json.MarshalIndent(r.Figures, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

// durations summarises latencies.
type durations []time.Duration

func (d durations) pct(p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append(durations(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

func (d durations) mean() time.Duration {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(max(len(d), 1))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
