package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// Defaults of the settings that have a fixed one.
const (
	defaultAddr = ":8080"
	defaultData = "./meldpunt-data"
	dbFile      = "meldpunt.db"
)

// Config is everything an operator sets, from flags and MELDPUNT_* environment variables:
// a flag beats its variable, the variable beats the default.
type Config struct {
	// Addr is the address the server listens on, host:port.
	Addr string
	// Data is the directory of Meldpunt's files; the SQLite database lives there by default.
	Data string
	// DB is an SQLite file path or a postgres:// URL; empty means <Data>/meldpunt.db.
	DB string
	// BaseURL is where people reach Meldpunt; empty means http://localhost:<port of Addr>.
	BaseURL string
	// LogFormat is auto (text on a terminal, JSON otherwise), text or json.
	LogFormat string
	// LogLevel is the least severe level logged.
	LogLevel slog.Level
	// NoMigrate refuses to start on a database whose schema is behind, instead of
	// migrating it.
	NoMigrate bool
	// Demo loads the demo data when the server starts.
	Demo bool
	// SLAWarnShare is the share of an SLA target after which the owner and the assignee
	// are warned; zero means the default, 0.75.
	SLAWarnShare float64
}

// defaultConfig returns the Config before the environment and flags apply.
func defaultConfig() Config {
	return Config{Addr: defaultAddr, Data: defaultData, LogFormat: "auto", LogLevel: slog.LevelInfo}
}

// option is one setting: its flag, its environment variable, and how a value applies.
type option struct {
	name, env string
	arg       string // the value's placeholder in the help; "" for a boolean
	def       string // the default, as the help shows it
	usage     string
	serveOnly bool
	set       func(c *Config, v string) error
}

// options lists the settings every command (or, when serveOnly, serve) accepts.
func options() []option {
	return []option{
		{name: "addr", env: "MELDPUNT_ADDR", arg: "ADDR", def: `":8080"`,
			usage: "Address to listen on, host:port; \":8080\" is every interface, \"127.0.0.1:8080\" this machine only.",
			set:   func(c *Config, v string) error { c.Addr = v; return checkAddr(v) }},
		{name: "data", env: "MELDPUNT_DATA", arg: "DIR", def: `"./meldpunt-data"`,
			usage: "Directory for Meldpunt's files, created when missing; holds the SQLite database unless --db says otherwise.",
			set: func(c *Config, v string) error {
				if strings.TrimSpace(v) == "" {
					return errors.New("must name a directory")
				}
				c.Data = v
				return nil
			}},
		{name: "db", env: "MELDPUNT_DB", arg: "DSN", def: "<data>/" + dbFile,
			usage: "The database: a file path for SQLite, or a postgres:// URL for PostgreSQL (several instances may share one).",
			set:   func(c *Config, v string) error { c.DB = v; return checkDB(v) }},
		{name: "base-url", env: "MELDPUNT_BASE_URL", arg: "URL", def: "http://localhost:<port of --addr>",
			usage: "Where people reach Meldpunt, e.g. https://desk.example.com; used in links and emails. With https, cookies are marked Secure.",
			set: func(c *Config, v string) error {
				u, err := checkBaseURL(v)
				c.BaseURL = u
				return err
			}},
		{name: "log-format", env: "MELDPUNT_LOG_FORMAT", arg: "FORMAT", def: `"auto"`,
			usage: "auto (text when stderr is a terminal, JSON otherwise), text or json.",
			set: func(c *Config, v string) error {
				switch v {
				case "auto", "text", "json":
					c.LogFormat = v
					return nil
				}
				return errors.New("must be auto, text or json")
			}},
		{name: "log-level", env: "MELDPUNT_LOG_LEVEL", arg: "LEVEL", def: `"info"`,
			usage: "The least severe messages logged: debug, info, warn or error.",
			set: func(c *Config, v string) error {
				if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
					return errors.New("must be debug, info, warn or error")
				}
				return nil
			}},
		{name: "no-migrate", env: "MELDPUNT_NO_MIGRATE", def: "false",
			usage: "Do not migrate the database schema: refuse to start when it is behind, and say to run 'meldpunt migrate'. By default serve (and user, token, demo) apply pending migrations themselves, on PostgreSQL under a lock.",
			set:   func(c *Config, v string) error { return setBool(&c.NoMigrate, v) }},
		{name: "sla-warn-share", env: "MELDPUNT_SLA_WARN_SHARE", arg: "SHARE", def: "0.75",
			usage: "The share of an SLA target (first response, resolution) after which the incident's owner and assignee are warned, e.g. 0.75 for three quarters; more than 0, at most 1.",
			set:   func(c *Config, v string) error { return setShare(&c.SLAWarnShare, v) }},
		{name: "demo", env: "MELDPUNT_DEMO", def: "false", serveOnly: true,
			usage: "Load the demo data on start (into a new installation only) and print its accounts.",
			set:   func(c *Config, v string) error { return setBool(&c.Demo, v) }},
	}
}

func setShare(dst *float64, v string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(f > 0 && f <= 1) {
		return errors.New("must be a number above 0 and at most 1, e.g. 0.75")
	}
	*dst = f
	return nil
}

func setBool(dst *bool, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("must be true or false")
	}
	*dst = b
	return nil
}

// fromEnv applies the environment variables that are set (non-empty).
func (c *Config) fromEnv(getenv func(string) string) error {
	for _, o := range options() {
		if v := getenv(o.env); v != "" {
			if err := o.set(c, v); err != nil {
				return fmt.Errorf("invalid value %q in %s: %w", v, o.env, err)
			}
		}
	}
	return nil
}

// register adds the options to fs, writing into c; serve adds the serve-only ones.
func (c *Config) register(fs *flag.FlagSet, serve bool) {
	for _, o := range options() {
		if o.serveOnly && !serve {
			continue
		}
		set := func(v string) error { return o.set(c, v) }
		if o.arg == "" {
			fs.BoolFunc(o.name, o.usage, set)
		} else {
			fs.Func(o.name, o.usage, set)
		}
	}
}

// dsn returns the database to open: DB, or the SQLite file in the data directory.
func (c *Config) dsn() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.Data, dbFile)
}

// isPostgres tells whether the database is PostgreSQL.
func (c *Config) isPostgres() bool {
	d := c.dsn()
	return strings.HasPrefix(d, "postgres://") || strings.HasPrefix(d, "postgresql://")
}

// describeDB names the database for logs and messages, without a password.
func (c *Config) describeDB() string {
	if !c.isPostgres() {
		return "sqlite " + c.dsn()
	}
	u, err := url.Parse(c.dsn())
	if err != nil {
		return "postgres"
	}
	return "postgres " + u.Redacted()
}

// baseURL returns BaseURL, or http://localhost with the port the server listens on (so a
// server started on port 0 links to the port it got).
func (c *Config) baseURL(listening net.Addr) string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	port := "8080"
	if _, p, err := net.SplitHostPort(c.Addr); err == nil {
		port = p
	}
	if listening != nil {
		if _, p, err := net.SplitHostPort(listening.String()); err == nil {
			port = p
		}
	}
	return "http://localhost:" + port
}

func checkAddr(v string) error {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return errors.New("must be host:port, e.g. :8080 or 127.0.0.1:8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("the port must be a number from 0 to 65535")
	}
	return nil
}

func checkDB(v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return errors.New("must be a file path or a postgres:// URL")
	case strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://"):
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return errors.New("is not a valid postgres:// URL (postgres://user:password@host:5432/database)")
		}
	case strings.Contains(v, "://"):
		return errors.New("must be a file path (SQLite) or a postgres:// URL; no other database is supported")
	}
	return nil
}

func checkBaseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return v, errors.New("must be an http:// or https:// URL without query, e.g. https://desk.example.com")
	}
	return strings.TrimRight(v, "/"), nil
}
