package monitor

import (
	"context"
	"crypto/tls"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/redis/go-redis/v9"

	"meldpunt/internal/desk"
)

// ServiceSettings are a postgres or mysql check's: a real handshake, optional credentials,
// and SELECT 1. TLS is off, on (verified) or skip-verify (encrypted, not verified).
type ServiceSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password,omitempty"`
	Database string `json:"database,omitempty"`
	TLS      string `json:"tls"`

	kind Kind
}

func (s *ServiceSettings) check(v *desk.Validator, p string) {
	checkHost(v, p+"host", s.Host)
	checkPort(v, p+"port", s.Port, false)
	v.Text(p+"user", s.User, false, 128, false)
	if len(s.Password) > 1024 {
		v.Add(p+"password", "max_length", "must be at most 1024 bytes")
	}
	v.Text(p+"database", s.Database, false, 128, false)
	v.OneOf(p+"tls", s.TLS, false, tlsModes)
}

func (s *ServiceSettings) normalise() {
	if s.TLS == "" {
		s.TLS = TLSOff
	}
	switch s.kind {
	case KindPostgres:
		if s.Port == 0 {
			s.Port = 5432
		}
		if s.User == "" {
			s.User = "postgres"
		}
	case KindMySQL:
		if s.Port == 0 {
			s.Port = 3306
		}
		if s.User == "" {
			s.User = "root"
		}
	}
}

func (s *ServiceSettings) secrets() []string {
	if s.Password == "" {
		return nil
	}
	return []string{s.Password}
}

// serviceTLS is the TLS configuration of a tls mode; nil for off.
func (c *Checker) serviceTLS(mode, host string) *tls.Config {
	switch mode {
	case TLSOn:
		return c.tlsConfig(host, false)
	case TLSSkipVerify:
		return c.tlsConfig(host, true)
	}
	return nil
}

func (s *ServiceSettings) run(ctx context.Context, c *Checker) Result {
	if s.kind == KindMySQL {
		return s.runMySQL(ctx, c)
	}
	return s.runPostgres(ctx, c)
}

func (s *ServiceSettings) runPostgres(ctx context.Context, c *Checker) Result {
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		return Result{Status: Down, Error: "postgres: " + err.Error()}
	}
	cfg.Host, cfg.Port = s.Host, uint16(s.Port)
	cfg.User, cfg.Password, cfg.Database = s.User, s.Password, s.Database
	if cfg.Database == "" {
		cfg.Database = s.User
	}
	cfg.TLSConfig = c.serviceTLS(s.TLS, s.Host)
	cfg.Fallbacks = nil
	cfg.RuntimeParams = map[string]string{"application_name": "meldpunt-monitor"}
	cfg.ConnectTimeout = 0 // ctx decides
	var got atomic.Int64
	cfg.DialFunc = countingDial(&got)
	cfg.LookupFunc = net.DefaultResolver.LookupHost
	start := time.Now()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		r := protocolFailure(ctx, "postgres", got.Load(), err)
		r.Duration = time.Since(start)
		return r
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		r := protocolFailure(ctx, "postgres", got.Load(), err)
		r.Duration = time.Since(start)
		return r
	}
	elapsed := time.Since(start)
	return Result{Status: Up, Duration: elapsed, Evidence: map[string]string{
		"server_version":   clip(conn.PgConn().ParameterStatus("server_version"), 100),
		"response_time_ms": ms(elapsed),
	}}
}

// quietLogger keeps the mysql driver from writing to stderr: its errors come back to us.
type quietLogger struct{}

func (quietLogger) Print(...any) {}

func (s *ServiceSettings) runMySQL(ctx context.Context, c *Checker) Result {
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", hostPort(s.Host, s.Port)
	cfg.User, cfg.Passwd, cfg.DBName = s.User, s.Password, s.Database
	cfg.TLS = c.serviceTLS(s.TLS, s.Host)
	cfg.Logger = quietLogger{}
	var got atomic.Int64
	cfg.DialFunc = countingDial(&got)
	if dl, ok := ctx.Deadline(); ok {
		// The driver watches ctx; its own timeouts are a backstop just after it, so that a
		// silent server is told as the timeout rather than as "invalid connection".
		left := time.Until(dl) + timeoutGrace/2
		cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout = left, left, left
	}
	start := time.Now()
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return Result{Status: Down, Error: "mysql: " + err.Error()}
	}
	conn, err := connector.Connect(ctx)
	if err != nil {
		r := protocolFailure(ctx, "mysql", got.Load(), err)
		r.Duration = time.Since(start)
		return r
	}
	defer conn.Close()
	q, ok := conn.(driver.QueryerContext)
	if !ok {
		return Result{Status: Down, Error: "mysql: the driver cannot query"}
	}
	rows, err := q.QueryContext(ctx, "SELECT 1", nil)
	if err == nil {
		dest := make([]driver.Value, len(rows.Columns()))
		if err = rows.Next(dest); errors.Is(err, io.EOF) {
			err = errors.New("SELECT 1 returned no row")
		}
		_ = rows.Close()
	}
	elapsed := time.Since(start)
	if err != nil {
		r := protocolFailure(ctx, "mysql", got.Load(), err)
		r.Duration = elapsed
		return r
	}
	return Result{Status: Up, Duration: elapsed, Evidence: map[string]string{"response_time_ms": ms(elapsed)}}
}

// RedisSettings are a redis check's: a handshake (AUTH and SELECT when set) and PING.
type RedisSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user,omitempty"`
	Password string `json:"password,omitempty"`
	Database int    `json:"database"`
	TLS      string `json:"tls"`
}

func (s *RedisSettings) check(v *desk.Validator, p string) {
	checkHost(v, p+"host", s.Host)
	checkPort(v, p+"port", s.Port, false)
	v.Text(p+"user", s.User, false, 128, false)
	if len(s.Password) > 1024 {
		v.Add(p+"password", "max_length", "must be at most 1024 bytes")
	}
	v.Range(p+"database", int64(s.Database), 0, 1<<16)
	v.OneOf(p+"tls", s.TLS, false, tlsModes)
}

func (s *RedisSettings) normalise() {
	if s.Port == 0 {
		s.Port = 6379
	}
	if s.TLS == "" {
		s.TLS = TLSOff
	}
}

func (s *RedisSettings) secrets() []string {
	if s.Password == "" {
		return nil
	}
	return []string{s.Password}
}

func (s *RedisSettings) run(ctx context.Context, c *Checker) Result {
	opt := &redis.Options{
		Addr:                  hostPort(s.Host, s.Port),
		Username:              s.User,
		Password:              s.Password,
		DB:                    s.Database,
		TLSConfig:             c.serviceTLS(s.TLS, s.Host),
		Protocol:              2,
		MaxRetries:            -1,
		PoolSize:              1,
		DisableIdentity:       true,
		ContextTimeoutEnabled: true,
	}
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = left, left, left
	}
	// The connection is dialled here, so a refused one is told in our words, and go-redis
	// (which logs failed dials to the process's log) is handed one that works.
	var got atomic.Int64
	start := time.Now()
	conn, err := countingDial(&got)(ctx, "tcp", opt.Addr)
	if err != nil {
		r := failure(ctx, "", err)
		r.Duration = time.Since(start)
		return r
	}
	defer conn.Close() // go-redis closes it too; this is for when it never asked
	var once sync.Once
	opt.Dialer = func(context.Context, string, string) (net.Conn, error) {
		first := false
		once.Do(func() { first = true })
		if !first {
			return nil, errors.New("the check's one connection is used up")
		}
		if opt.TLSConfig != nil {
			return tls.Client(conn, opt.TLSConfig), nil
		}
		return conn, nil
	}
	opt.DialerRetries = 1
	client := redis.NewClient(opt)
	defer client.Close()
	pong, err := client.Ping(ctx).Result()
	elapsed := time.Since(start)
	if err != nil {
		r := protocolFailure(ctx, "redis", got.Load(), err)
		r.Duration = elapsed
		return r
	}
	if pong != "PONG" {
		return Result{Status: Down, Reason: ReasonProtocol, Duration: elapsed, Error: fmt.Sprintf("redis: PING answered %q, not PONG", clip(pong, 100))}
	}
	return Result{Status: Up, Duration: elapsed, Evidence: map[string]string{"response_time_ms": ms(elapsed)}}
}

// serverSaid tells whether err is the server's own refusal (a PostgreSQL or MySQL error, a
// Redis error reply) rather than a failure to speak with it.
func serverSaid(err error) bool {
	var pg *pgconn.PgError
	var my *mysql.MySQLError
	var rd redis.Error
	return errors.As(err, &pg) || errors.As(err, &my) || errors.As(err, &rd)
}
