package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinary builds the real program, with a version set by -ldflags, and checks what only
// main does: exit codes and signals.
func TestBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t, "meldpunt", "-ldflags", "-X main.version=1.2.3-test")

	t.Run("version from ldflags", func(t *testing.T) {
		out, err := exec.Command(bin, "version").Output()
		if err != nil || string(out) != "meldpunt 1.2.3-test\n" {
			t.Errorf("version: %q, %v", out, err)
		}
	})

	exitOf := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err == nil {
			return 0
		}
		return -1
	}
	t.Run("usage error exits 2", func(t *testing.T) {
		cmd := exec.Command(bin, "--bogus")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if exitOf(err) != 2 || !strings.Contains(stderr.String(), "flag provided but not defined: -bogus") {
			t.Errorf("exit %d, stderr %q", exitOf(err), stderr.String())
		}
	})
	t.Run("failure exits 1", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o600)
		cmd := exec.Command(bin, "migrate", "--db", filepath.Join(file, "meldpunt.db"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if exitOf(err) != 1 || !strings.HasPrefix(stderr.String(), "meldpunt: open database") {
			t.Errorf("exit %d, stderr %q", exitOf(err), stderr.String())
		}
	})

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String()+" stops gracefully", func(t *testing.T) {
			cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--data", t.TempDir())
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout = io.Discard
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := make(chan string, 100)
			go func() {
				defer close(lines)
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
			var logs strings.Builder
			addr := ""
			timeout := time.After(guardTimeout)
			for addr == "" {
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("the server ended before listening:\n%s", logs.String())
					}
					logs.WriteString(l + "\n")
					addr = listeningAddr(l)
				case <-timeout:
					t.Fatalf("no \"listening\" within %v:\n%s", guardTimeout, logs.String())
				}
			}
			if code, _ := get(t, "http://"+addr+"/healthz"); code != 200 {
				t.Errorf("/healthz = %d", code)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			for l := range lines {
				logs.WriteString(l + "\n")
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("after %v the server exited with %v\n%s", sig, err, logs.String())
			}
			if !strings.Contains(logs.String(), `"msg":"stopped"`) {
				t.Errorf("no \"stopped\" in the logs:\n%s", logs.String())
			}
		})
	}
}

// buildBinary builds the program under name, with the extra build flags, and returns its
// path. go test puts its own go first on PATH; scripts/test puts it there too. The binary
// goes to MELDPUNT_TEST_BUILD_DIR when it is set: scripts/test names a directory it keeps
// between runs, where go build finds an unchanged binary up to date and skips the link.
func buildBinary(t *testing.T, name string, flags ...string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	dir := os.Getenv("MELDPUNT_TEST_BUILD_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	bin := filepath.Join(dir, name)
	args := append(append([]string{"build"}, flags...), "-o", bin, ".")
	if out, err := exec.Command(goTool, args...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
