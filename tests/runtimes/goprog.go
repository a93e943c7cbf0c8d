// goprog: the Go runtime under a tool: goroutines on many threads, async
// preemption of a busy loop (SIGURG between threads), a signal handled
// through os/signal, os/exec (fork and exec), timers, a pipe and the GC.
// Prints only what does not depend on timing.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)

	// A goroutine that never calls into the runtime: only asynchronous
	// preemption (SIGURG) lets the GC stop it.
	stop := make(chan bool)
	spun := make(chan uint64)
	go func() {
		var n uint64
		for {
			select {
			case <-stop:
				spun <- n
				return
			default:
			}
			for i := 0; i < 1000000; i++ {
				n++
			}
		}
	}()

	var wg sync.WaitGroup
	sums := make([]int, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i <= 10000; i++ {
				sums[g] += i
			}
			time.Sleep(time.Millisecond)
		}(g)
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	fmt.Println("goroutines:", total)

	for i := 0; i < 3; i++ {
		_ = make([]byte, 8<<20)
		runtime.GC()
	}
	fmt.Println("gc: done")

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	fmt.Println("signal:", <-sig)

	out, err := exec.Command("/bin/sh", "-c", "echo from a child; exit 3").Output()
	code := -1
	if e, ok := err.(*exec.ExitError); ok {
		code = e.ExitCode()
	}
	fmt.Printf("exec: %q status %d\n", out, code)

	r, w, _ := os.Pipe()
	go func() {
		w.Write([]byte("through a pipe"))
		w.Close()
	}()
	buf := make([]byte, 64)
	n, _ := r.Read(buf)
	fmt.Println("pipe:", string(buf[:n]))

	t := time.NewTimer(20 * time.Millisecond)
	<-t.C
	fmt.Println("timer: fired")

	close(stop)
	fmt.Println("busy loop stopped:", <-spun > 0)
}
