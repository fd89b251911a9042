package monitor

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"meldpunt/internal/desk"
)

var dnsTypes = []string{"A", "AAAA", "CNAME", "MX", "TXT", "NS"}

// DNSSettings are a dns check's: a name, a record type, and optionally the answer expected.
type DNSSettings struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Expect lists the values the answer must hold, in any order, and no others; empty:
	// any answer with at least one record. MX values are "mail.example.com" or
	// "10 mail.example.com"; TXT values are the record's strings joined.
	Expect []string `json:"expect,omitempty"`
	// Resolver is the DNS server asked ("host:port", port 53 when left out); "": the
	// Checker's, else the system's.
	Resolver string `json:"resolver,omitempty"`
}

func (s *DNSSettings) check(v *desk.Validator, p string) {
	v.Text(p+"name", s.Name, true, maxHost, false)
	if !v.Has(p + "name") {
		if _, ok := dns.IsDomainName(s.Name); !ok || !validHostname(s.Name) {
			v.Add(p+"name", "host", "must be a domain name such as example.com")
		}
	}
	if s.Type != "" && !slices.Contains(dnsTypes, s.Type) {
		v.Add(p+"type", "one_of", "must be one of: %s", strings.Join(dnsTypes, ", "))
	}
	if len(s.Expect) > maxList {
		v.Add(p+"expect", "max_items", "must list at most %d values", maxList)
	}
	for i, e := range s.Expect {
		f := p + "expect[" + itoa(i) + "]"
		v.Text(f, e, true, 1000, false)
		if v.Has(f) {
			continue
		}
		switch s.Type {
		case "A", "":
			if a, err := netip.ParseAddr(e); err != nil || !a.Is4() {
				v.Add(f, "ipv4", "must be an IPv4 address such as 192.0.2.10")
			}
		case "AAAA":
			if a, err := netip.ParseAddr(e); err != nil || !a.Is6() || a.Is4In6() {
				v.Add(f, "ipv6", "must be an IPv6 address such as 2001:db8::10")
			}
		}
	}
	if s.Resolver != "" {
		if _, err := resolverAddr(s.Resolver); err != nil {
			v.Add(p+"resolver", "host_port", "must be a DNS server as host:port, such as 9.9.9.9:53 (port 53 when left out)")
		}
	}
}

// resolverAddr reads "host:port" or "host" (port 53).
func resolverAddr(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if net.ParseIP(s) == nil && !validHostname(s) {
			return "", err
		}
		return net.JoinHostPort(s, "53"), nil
	}
	if !validPort(port) || host == "" || net.ParseIP(host) == nil && !validHostname(host) {
		return "", fmt.Errorf("not host:port")
	}
	return net.JoinHostPort(host, port), nil
}

func (s *DNSSettings) normalise() {
	if s.Type == "" {
		s.Type = "A"
	}
}

func (s *DNSSettings) secrets() []string { return nil }

var systemResolver = sync.OnceValues(func() (string, error) {
	conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		return "", fmt.Errorf("no resolver: /etc/resolv.conf: %w", err)
	}
	if len(conf.Servers) == 0 {
		return "", fmt.Errorf("no resolver: /etc/resolv.conf names no nameserver")
	}
	return net.JoinHostPort(conf.Servers[0], conf.Port), nil
})

func (s *DNSSettings) run(ctx context.Context, c *Checker) Result {
	server := s.Resolver
	if server == "" {
		server = c.Resolver
	}
	var err error
	if server == "" {
		server, err = systemResolver()
		if err != nil {
			return Result{Status: Down, Reason: ReasonOther, Error: err.Error()}
		}
	} else if server, err = resolverAddr(server); err != nil {
		return Result{Status: Down, Reason: ReasonSettings, Error: "the resolver is not host:port"}
	}
	qtype := dns.StringToType[s.Type]
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(s.Name), qtype)
	m.RecursionDesired = true
	client := &dns.Client{Net: "udp"}
	start := time.Now()
	in, _, err := client.ExchangeContext(ctx, m, server)
	if err == nil && in.Truncated {
		client.Net = "tcp"
		in, _, err = client.ExchangeContext(ctx, m, server)
	}
	elapsed := time.Since(start)
	if err != nil {
		r := failure(ctx, "the resolver "+server+" did not answer", err)
		r.Duration = elapsed
		return r
	}
	r := Result{Status: Up, Duration: elapsed, Evidence: map[string]string{"resolver": server, "rcode": dns.RcodeToString[in.Rcode], "response_time_ms": ms(elapsed)}}
	if in.Rcode != dns.RcodeSuccess {
		r.Status, r.Reason = Down, ReasonDNS
		r.Error = fmt.Sprintf("the resolver answered %s for %s %s", dns.RcodeToString[in.Rcode], s.Name, s.Type)
		return r
	}
	var got []string
	for _, rr := range in.Answer {
		if rr.Header().Rrtype != qtype {
			continue // a CNAME on the way to an A record, say
		}
		got = append(got, rrValue(rr))
	}
	sort.Strings(got)
	r.Evidence["answer"] = clip(strings.Join(got, ", "), 500)
	if len(got) == 0 {
		r.Status, r.Reason = Down, ReasonDNS
		r.Error = fmt.Sprintf("no %s record for %s", s.Type, s.Name)
		return r
	}
	if len(s.Expect) > 0 {
		if missing, extra := compareAnswer(s.Type, s.Expect, in.Answer, qtype); len(missing)+len(extra) > 0 {
			r.Status, r.Reason = Down, ReasonDNSAnswer
			var parts []string
			if len(missing) > 0 {
				parts = append(parts, "missing "+strings.Join(missing, ", "))
			}
			if len(extra) > 0 {
				parts = append(parts, "unexpected "+strings.Join(extra, ", "))
			}
			r.Error = clip(fmt.Sprintf("the %s answer for %s differs: %s", s.Type, s.Name, strings.Join(parts, "; ")), 500)
		}
	}
	return r
}

// rrValue writes a record's value as the settings spell it.
func rrValue(rr dns.RR) string {
	switch x := rr.(type) {
	case *dns.A:
		return x.A.String()
	case *dns.AAAA:
		return x.AAAA.String()
	case *dns.CNAME:
		return canonName(x.Target)
	case *dns.NS:
		return canonName(x.Ns)
	case *dns.MX:
		return fmt.Sprintf("%d %s", x.Preference, canonName(x.Mx))
	case *dns.TXT:
		return strings.Join(x.Txt, "")
	}
	return rr.String()
}

func canonName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

// compareAnswer lists the expected values not in the answer and the answer's values not
// expected. Addresses compare as addresses, names without case or final dot, and an MX
// expected without a preference matches any preference.
func compareAnswer(typ string, expect []string, answer []dns.RR, qtype uint16) (missing, extra []string) {
	norm := func(v string) string {
		switch typ {
		case "A", "AAAA":
			if a, err := netip.ParseAddr(v); err == nil {
				return a.String()
			}
		case "CNAME", "NS":
			return canonName(v)
		case "MX":
			pref, host, ok := strings.Cut(strings.TrimSpace(v), " ")
			if ok {
				return pref + " " + canonName(strings.TrimSpace(host))
			}
			return canonName(v)
		}
		return v
	}
	matches := func(exp, got string) bool {
		if typ == "MX" && !strings.Contains(exp, " ") {
			_, host, _ := strings.Cut(got, " ")
			return exp == host
		}
		return exp == got
	}
	var got []string
	for _, rr := range answer {
		if rr.Header().Rrtype == qtype {
			got = append(got, rrValue(rr))
		}
	}
	used := make([]bool, len(got))
	for _, e := range expect {
		e = norm(e)
		found := false
		for i, g := range got {
			if matches(e, g) {
				used[i], found = true, true
			}
		}
		if !found {
			missing = append(missing, e)
		}
	}
	for i, g := range got {
		if !used[i] {
			extra = append(extra, g)
		}
	}
	return missing, extra
}
