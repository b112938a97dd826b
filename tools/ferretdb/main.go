// Embedded FerretDB launcher: a MongoDB-wire-protocol server on loopback over the embedded PostgreSQL.
package main

import (
	"context"
	"expvar"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (keep it on loopback)")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL connection string (password read from FERRETDB_POSTGRESQL_PASSWORD)")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "stop when standard input closes (the parent process died)")
	debugListen := flag.String("debug-listen", "", "loopback address for Go runtime memory statistics and heap profiles (benchmarks); empty: off")
	flag.Parse()

	pgURL, err := url.Parse(*postgresURL)
	if err != nil || pgURL.Host == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: -postgresql-url must be a postgres:// URL")
		os.Exit(1)
	}
	// the password comes through the environment, never the command line (visible in ps)
	if password := os.Getenv("FERRETDB_POSTGRESQL_PASSWORD"); password != "" {
		pgURL.User = url.UserPassword(pgURL.User.Username(), password)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: pgURL.String(),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Exit when the parent closes our stdin, so a crashed Node process never leaves a database behind.
	if *watchStdin {
		go func() {
			buf := make([]byte, 1)
			for {
				if _, err := os.Stdin.Read(buf); err != nil {
					stop()
					return
				}
			}
		}()
	}

	if *debugListen != "" {
		go serveDebug(*debugListen)
	}

	fmt.Println("ferretdb listening on " + *listen)
	f.Run(ctx)
}

// serveDebug answers /debug/vars (expvar: memstats, goroutines) and /debug/pprof/heap, for memory measurements.
func serveDebug(addr string) {
	expvar.Publish("goroutines", expvar.Func(func() any { return runtime.NumGoroutine() }))
	mux := http.NewServeMux()
	mux.Handle("/debug/vars", expvar.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	if err := http.ListenAndServe(addr, mux); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb: debug listener:", err)
	}
}
