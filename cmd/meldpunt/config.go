package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/notify/email"
	"meldpunt/internal/web"
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
	// SMTPListen is where the listener for incoming mail listens, host:port; empty means
	// there is none.
	SMTPListen string
	// Demo loads the demo data when the server starts.
	Demo bool
	// SLAWarnShare is the share of an SLA target after which the owner and the assignee
	// are warned; zero means the default, 0.75.
	SLAWarnShare float64
	// SMTPHost is the mail server messages go to; empty means none: messages are written
	// as .eml files into <Data>/outbox instead.
	SMTPHost string
	// SMTPPort is the mail server's port; zero means 587 (465 with SMTPTLS "tls").
	SMTPPort int
	// SMTPTLS is how the connection is secured: starttls, tls or none; empty means starttls.
	SMTPTLS string
	// SMTPUser and SMTPPassword sign in to the mail server; empty means no sign-in. The
	// password is never printed or logged.
	SMTPUser, SMTPPassword string
	// MailFrom is the desk's address; empty means "Meldpunt <meldpunt@<host of the base URL>>".
	MailFrom app.Address
	// MailMaxAttempts is how often a message is tried before it is set aside; zero means 8.
	MailMaxAttempts int
	// MaintenanceReminder is how long before a scheduled maintenance starts its followers
	// are reminded; zero means an hour.
	MaintenanceReminder time.Duration
	// MonitorRetention is how long monitors' raw results are kept before only their hourly
	// and daily aggregates remain; zero means 48 hours.
	MonitorRetention time.Duration
	// MonitorConcurrency bounds the checks this instance runs at once; zero means 64.
	MonitorConcurrency int
	// WebhookAllowPrivate lets webhooks go to loopback and private networks.
	WebhookAllowPrivate bool
	// TrustedProxies lists the reverse proxies (addresses and CIDR ranges, comma-separated)
	// whose X-Forwarded-For or Forwarded header names the client; empty means none.
	TrustedProxies string
	// StatusHost is the status page's own host name, e.g. status.example.nl; empty means
	// the status page is only at /status of the base URL's host.
	StatusHost string
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
		{name: "smtp-listen", env: "MELDPUNT_SMTP_LISTEN", arg: "ADDR", def: "off", serveOnly: true,
			usage: "Address of the listener for incoming mail, host:port, e.g. 127.0.0.1:2525: replies to Meldpunt's messages and new reports from clients. It has no TLS or sign-in: put it behind your own mail server, which checks SPF and DKIM and hands the desk's mail on to it.",
			set: func(c *Config, v string) error {
				c.SMTPListen = strings.TrimSpace(v)
				if c.SMTPListen == "" {
					return nil
				}
				return checkAddr(c.SMTPListen)
			}},
		{name: "sla-warn-share", env: "MELDPUNT_SLA_WARN_SHARE", arg: "SHARE", def: "0.75",
			usage: "The share of an SLA target (first response, resolution) after which the incident's owner and assignee are warned, e.g. 0.75 for three quarters; more than 0, at most 1.",
			set:   func(c *Config, v string) error { return setShare(&c.SLAWarnShare, v) }},
		{name: "smtp-host", env: "MELDPUNT_SMTP_HOST", arg: "HOST", def: "none", serveOnly: true,
			usage: "The mail server messages are sent through, e.g. smtp.example.com. Without one, each message is written as an .eml file into <data>/outbox.",
			set:   func(c *Config, v string) error { c.SMTPHost = strings.TrimSpace(v); return checkSMTPHost(c.SMTPHost) }},
		{name: "smtp-port", env: "MELDPUNT_SMTP_PORT", arg: "PORT", def: "587 (465 with --smtp-tls tls)", serveOnly: true,
			usage: "The mail server's port.",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 || n > 65535 {
					return errors.New("must be a port number from 1 to 65535, e.g. 587")
				}
				c.SMTPPort = n
				return nil
			}},
		{name: "smtp-tls", env: "MELDPUNT_SMTP_TLS", arg: "MODE", def: `"starttls"`, serveOnly: true,
			usage: "How the connection to the mail server is secured: starttls (upgrade a plain connection; it must succeed), tls (TLS from the start, usually port 465) or none (only for a server on this machine or network).",
			set: func(c *Config, v string) error {
				switch v {
				case "starttls", "tls", "none":
					c.SMTPTLS = v
					return nil
				}
				return errors.New("must be starttls, tls or none")
			}},
		{name: "smtp-user", env: "MELDPUNT_SMTP_USER", arg: "USER", serveOnly: true,
			usage: "The user name to sign in to the mail server with; without it Meldpunt does not sign in.",
			set:   func(c *Config, v string) error { c.SMTPUser = v; return nil }},
		{name: "smtp-password", env: "MELDPUNT_SMTP_PASSWORD", arg: "PASSWORD", serveOnly: true,
			usage: "The password for --smtp-user. Prefer the variable: a flag shows in the process list and shell history. It is never printed or logged.",
			set:   func(c *Config, v string) error { c.SMTPPassword = v; return nil }},
		{name: "mail-from", env: "MELDPUNT_MAIL_FROM", arg: "ADDRESS", def: `"Meldpunt <meldpunt@<host of --base-url>>"`, serveOnly: true,
			usage: "The desk's address, e.g. \"Servicedesk <desk@example.com>\": messages come from it, and replies go to its local part plus a token (desk+45.k3j…@example.com), so the mail server must deliver those to the same mailbox.",
			set: func(c *Config, v string) error {
				a, err := parseMailFrom(v)
				c.MailFrom = a
				return err
			}},
		{name: "webhook-allow-private", env: "MELDPUNT_WEBHOOK_ALLOW_PRIVATE", def: "false", serveOnly: true,
			usage: "Let webhooks go to loopback, private and link-local addresses (127.0.0.1, 10.x, 192.168.x, 169.254.x …). Off by default, so an admin's webhook cannot reach the server's own network; switch it on only when your receivers live there.",
			set:   func(c *Config, v string) error { return setBool(&c.WebhookAllowPrivate, v) }},
		{name: "trusted-proxies", env: "MELDPUNT_TRUSTED_PROXIES", arg: "LIST", def: "none", serveOnly: true,
			usage: "The reverse proxies in front of Meldpunt, as addresses and CIDR ranges, comma-separated, e.g. \"127.0.0.1,10.0.0.0/8\". A request from one of them is attributed to the client its X-Forwarded-For (or else Forwarded) header names; from anywhere else, to its TCP peer. The sign-in throttles, the audit log and the request log use that address.",
			set: func(c *Config, v string) error {
				p, err := web.ParseProxies(v)
				c.TrustedProxies = p.String()
				return err
			}},
		{name: "status-host", env: "MELDPUNT_STATUS_HOST", arg: "HOST", def: "none", serveOnly: true,
			usage: "A host name of the public status page's own, e.g. status.example.nl: a request for it (port and case ignored) gets the status page at / and only the public status routes (/status…, /api/v2/…, static files); anything else there is not found. Point the name's DNS at this server (or its proxy, passing Host). Other hosts are served as before.",
			set: func(c *Config, v string) error {
				h, err := web.StatusHostName(v)
				c.StatusHost = h
				return err
			}},
		{name: "mail-max-attempts", env: "MELDPUNT_MAIL_MAX_ATTEMPTS", arg: "N", def: "8", serveOnly: true,
			usage: "How often a message is tried (30 seconds after the first failure, doubling up to an hour) before it is set aside for an admin to retry.",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 || n > 100 {
					return errors.New("must be a whole number from 1 to 100")
				}
				c.MailMaxAttempts = n
				return nil
			}},
		{name: "maintenance-reminder", env: "MELDPUNT_MAINTENANCE_REMINDER", arg: "DURATION", def: "1h", serveOnly: true,
			usage: "How long before a scheduled maintenance starts its followers (subscribers, webhook endpoints) are reminded, e.g. 30m or 2h; from 1m to 168h.",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(strings.TrimSpace(v))
				if err != nil || d < time.Minute || d > 168*time.Hour {
					return errors.New("must be a duration from 1m to 168h, e.g. 30m or 2h")
				}
				c.MaintenanceReminder = d
				return nil
			}},
		{name: "monitor-retention", env: "MELDPUNT_MONITOR_RETENTION", arg: "DURATION", def: "48h", serveOnly: true,
			usage: "How long monitors' raw results are kept, e.g. 48h or 168h; from 2h to 2160h (90 days). Older results live on as hourly aggregates (90 days) and daily ones (kept).",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(strings.TrimSpace(v))
				if err != nil || d < 2*time.Hour || d > 2160*time.Hour {
					return errors.New("must be a duration from 2h to 2160h, e.g. 48h")
				}
				c.MonitorRetention = d
				return nil
			}},
		{name: "monitor-concurrency", env: "MELDPUNT_MONITOR_CONCURRENCY", arg: "N", def: "64", serveOnly: true,
			usage: "How many monitor checks this instance runs at once, from 1 to 10000. Checks wait on the network; more instances share the monitors.",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || n < 1 || n > 10000 {
					return errors.New("must be a whole number from 1 to 10000")
				}
				c.MonitorConcurrency = n
				return nil
			}},
		{name: "demo", env: "MELDPUNT_DEMO", def: "false", serveOnly: true,
			usage: "Load the demo data on start (into a new installation only) and print its accounts.",
			set:   func(c *Config, v string) error { return setBool(&c.Demo, v) }},
	}
}

func checkSMTPHost(v string) error {
	if strings.Contains(v, "://") || strings.ContainsAny(v, " /@") {
		return errors.New("must be a host name or address, e.g. smtp.example.com")
	}
	if _, _, err := net.SplitHostPort(v); err == nil {
		return errors.New("must be a host name without a port; set the port with --smtp-port")
	}
	return nil
}

// parseMailFrom parses the desk's address. Its local part may not hold a "+": reply
// addresses add "+" and a token to it.
func parseMailFrom(v string) (app.Address, error) {
	a, err := netmail.ParseAddress(v)
	if err != nil {
		return app.Address{}, errors.New(`must be an email address, e.g. "Servicedesk <desk@example.com>" or desk@example.com`)
	}
	local, _, _ := strings.Cut(a.Address, "@")
	if strings.Contains(local, "+") {
		return app.Address{}, errors.New(`must not have a "+" before the @: replies go to the address with "+" and a token added`)
	}
	return app.Address{Name: a.Name, Email: a.Address}, nil
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

// mailFrom returns the desk's address: MailFrom, or Meldpunt at the base URL's host.
func (c *Config) mailFrom(base string) app.Address {
	if c.MailFrom.Email != "" {
		return c.MailFrom
	}
	host := "localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return app.Address{Name: "Meldpunt", Email: "meldpunt@" + host}
}

// mailSender returns where messages go: the SMTP server, or without one .eml files in
// <Data>/outbox.
func (c *Config) mailSender() (email.Sender, error) {
	if c.SMTPHost == "" {
		dir := filepath.Join(c.Data, "outbox")
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create the outbox directory: %w", err)
		}
		return email.NewDir(dir), nil
	}
	if c.SMTPPassword != "" && c.SMTPUser == "" {
		return nil, errors.New("--smtp-password is set but --smtp-user is not: set both to sign in to the mail server")
	}
	tls, port := c.SMTPTLS, c.SMTPPort
	if tls == "" {
		tls = "starttls"
	}
	if port == 0 {
		port = 587
		if tls == "tls" {
			port = 465
		}
	}
	s, err := email.NewSMTP(email.SMTPConfig{Host: c.SMTPHost, Port: port, TLS: tls, Username: c.SMTPUser, Password: c.SMTPPassword})
	if err != nil {
		return nil, fmt.Errorf("the mail server settings: %w", err)
	}
	return s, nil
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
