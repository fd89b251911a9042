package webhook

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestRefusedAddresses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		rule string // "" for allowed; else a word of the rule
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"fd12:3456::1", "private"},
		{"fc00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.255", "carrier-grade NAT"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"::ffff:127.0.0.1", "loopback, IPv4-mapped"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:10.0.0.1", "private"},
		{"::127.0.0.1", "IPv4-compatible"},
		{"64:ff9b::a9fe:a9fe", "link-local"}, // NAT64 of 169.254.169.254
		{"2002:7f00:1::1", "loopback"},       // 6to4 of 127.0.0.1
		{"8.8.8.8", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"93.184.215.14", ""},
		{"2606:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""},
	}
	for _, tt := range tests {
		got := refusedBy(netip.MustParseAddr(tt.addr))
		if tt.rule == "" && got != "" || tt.rule != "" && !strings.Contains(got, tt.rule) {
			t.Errorf("refusedBy(%s) = %q, want %q", tt.addr, got, tt.rule)
		}
	}
}

func TestDialControl(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"127.0.0.1:80", "[::1]:443", "[fe80::1%lo]:80", "10.0.0.1:8080", "[::ffff:127.0.0.1]:80"} {
		err := dialControl("tcp", addr, nil)
		var ae *AddressError
		if !errors.As(err, &ae) || !errors.Is(err, ErrRefused) {
			t.Errorf("dialControl(%s) = %v, want an *AddressError", addr, err)
		}
	}
	if err := dialControl("tcp", "8.8.8.8:443", nil); err != nil {
		t.Errorf("dialControl(public) = %v", err)
	}
	if err := dialControl("tcp", "nonsense", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("dialControl(unreadable) = %v, want refused", err)
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		want         string // "" for ok; else a part of the error message
	}{
		{"https", "https://hooks.example.com/services/T0/B0/x", false, ""},
		{"http with port and query", "http://hooks.example.com:8080/in?token=abc", false, ""},
		{"public IPv4", "https://93.184.215.14/hook", false, ""},
		{"public IPv6", "https://[2606:4700::1111]/hook", false, ""},
		{"trailing dot", "https://hooks.example.com./x", false, ""},
		{"upper-case scheme", "HTTPS://hooks.example.com/", false, ""},
		{"international name", "https://bücher.example/hook", false, ""},

		{"empty", "", false, "required"},
		{"too long", "https://hooks.example.com/" + strings.Repeat("a", MaxURLLength), false, "longer than 2048"},
		{"no scheme", "hooks.example.com/x", false, "must start with https:// or http://"},
		{"ftp", "ftp://hooks.example.com/x", false, `not "ftp"`},
		{"ftp with a secret path", "ftp://hooks.example.com/services/secret?token=secret", false, `URL "ftp://hooks.example.com/…"`},
		{"javascript", "javascript:alert(1)", false, `not "javascript"`},
		{"file", "file:///etc/passwd", false, `not "file"`},
		{"opaque", "http:hooks.example.com", false, "and a host"},
		{"no host", "https:///x", false, "no host"},
		{"only a port", "https://:443/x", false, "no host"},
		{"user and password", "https://user:secret@hooks.example.com/", false, "user name or password"},
		{"user only", "https://user@hooks.example.com/", false, "user name or password"},
		{"port 0", "https://hooks.example.com:0/", false, "port"},
		{"port too large", "https://hooks.example.com:70000/", false, "port"},
		{"empty port", "https://hooks.example.com:/", false, "port"},
		{"bad syntax", "https://hooks.example.com/%zz", false, "not a valid URL"},
		{"space in host", "https://hooks example.com/", false, "not a valid URL"},

		{"loopback", "http://127.0.0.1:8080/", false, "loopback"},
		{"loopback IPv6", "http://[::1]:8080/", false, "loopback"},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/", false, "loopback, IPv4-mapped"},
		{"private 10", "http://10.0.0.5/hook", false, "private (RFC 1918)"},
		{"private 172", "http://172.20.1.1/hook", false, "private (RFC 1918)"},
		{"private 192.168", "http://192.168.0.10/", false, "private (RFC 1918)"},
		{"unique local", "http://[fd00::5]/", false, "unique local"},
		{"metadata", "http://169.254.169.254/latest/meta-data/", false, "link-local"},
		{"link-local IPv6 with zone", "http://[fe80::1%25eth0]/", false, "zone"},
		{"unspecified", "http://0.0.0.0:9000/", false, "unspecified"},
		{"CGNAT", "http://100.100.100.200/", false, "carrier-grade NAT"},
		{"multicast", "http://239.1.1.1/", false, "multicast"},
		{"localhost", "http://localhost:8080/", false, "loopback"},
		{"LOCALHOST.", "http://LOCALHOST.:8080/", false, "loopback"},
		{"sub.localhost", "http://api.localhost/", false, "loopback"},
		{"short IPv4", "http://127.1/", false, "dotted form"},
		{"decimal IPv4", "http://2130706433/", false, "dotted form"},
		{"hex IPv4", "http://0x7f000001/", false, "dotted form"},
		{"octal IPv4", "http://0177.0.0.1/", false, "dotted form"},

		{"allowed loopback", "http://127.0.0.1:8080/", true, ""},
		{"allowed localhost", "http://localhost:8080/", true, ""},
		{"allowed private", "http://10.0.0.5/hook", true, ""},
		{"allowed still needs http", "gopher://127.0.0.1/", true, "scheme"},
		{"allowed still no password", "http://a:b@127.0.0.1/", true, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckURL(tt.url, tt.allowPrivate)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("CheckURL(%q) = %v, want ok", tt.url, err)
			case tt.want != "" && err == nil:
				t.Fatalf("CheckURL(%q) = ok, want an error about %q", tt.url, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("CheckURL(%q) = %v, want it to mention %q", tt.url, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows a secret part of the URL: %v", err)
			}
			if err != nil && len(err.Error()) > 300 {
				t.Errorf("error message of %d bytes", len(err.Error()))
			}
		})
	}
}
