//go:build unix

package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/circa-library/circa/internal/cputime"
)

// usage is this process's CPU time so far and the bytes it has written to
// storage (Linux only; 0 elsewhere). The step log shows both beside the
// wall time, which on a busy machine says little by itself.
func usage() (cpu time.Duration, written int64) {
	cpu = cputime.Process()
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return cpu, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "write_bytes: "); ok {
			written, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return cpu, written
}
