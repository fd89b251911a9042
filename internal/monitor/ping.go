package monitor

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"meldpunt/internal/desk"
)

// PingSettings are a ping check's: ICMP echo requests to a host. All answered: up; some
// lost: degraded; none: down.
type PingSettings struct {
	Host  string `json:"host"`
	Count int    `json:"count"`
}

func (s *PingSettings) check(v *desk.Validator, p string) {
	checkHost(v, p+"host", s.Host)
	if s.Count != 0 {
		v.Range(p+"count", int64(s.Count), 1, 10)
	}
}

func (s *PingSettings) normalise() {
	if s.Count == 0 {
		s.Count = 1
	}
}

func (s *PingSettings) secrets() []string { return nil }

// ErrNoICMP says the process may send no ICMP echo: neither an unprivileged ping socket
// (net.ipv4.ping_group_range) nor a raw socket (root or CAP_NET_RAW).
var ErrNoICMP = errors.New("this process may not send ICMP")

// listenICMP opens an unprivileged ping socket where the system allows it, else a raw one.
func listenICMP(v6 bool) (*icmp.PacketConn, bool, error) {
	udp, raw, addr := "udp4", "ip4:icmp", "0.0.0.0"
	if v6 {
		udp, raw, addr = "udp6", "ip6:ipv6-icmp", "::"
	}
	conn, err := icmp.ListenPacket(udp, addr)
	if err == nil {
		return conn, false, nil
	}
	conn, rawErr := icmp.ListenPacket(raw, addr)
	if rawErr == nil {
		return conn, true, nil
	}
	if errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) || errors.Is(rawErr, syscall.EPERM) {
		return nil, false, fmt.Errorf("%w: no unprivileged ping socket (net.ipv4.ping_group_range does not include this group) and no raw socket (needs root or CAP_NET_RAW)", ErrNoICMP)
	}
	return nil, false, fmt.Errorf("%w: %v", ErrNoICMP, rawErr)
}

func (s *PingSettings) run(ctx context.Context, _ *Checker) Result {
	start := time.Now()
	ip, err := lookupIP(ctx, s.Host)
	if err != nil {
		return failure(ctx, "", err)
	}
	v6 := !ip.Is4()
	conn, raw, err := listenICMP(v6)
	if err != nil {
		return Result{Status: Down, Reason: ReasonNoICMP, Error: err.Error()}
	}
	defer conn.Close()
	var dst net.Addr = &net.UDPAddr{IP: ip.AsSlice()}
	if raw {
		dst = &net.IPAddr{IP: ip.AsSlice()}
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	id := int(binary.BigEndian.Uint16(nonce[:2]))
	var typ icmp.Type = ipv4.ICMPTypeEcho
	proto := 1
	if v6 {
		typ, proto = ipv6.ICMPTypeEchoRequest, 58
	}
	dl, _ := ctx.Deadline()
	received := 0
	var rtt time.Duration
	buf := make([]byte, 1500)
	for seq := 1; seq <= s.Count; seq++ {
		payload := append(append([]byte(nil), nonce[:]...), byte(seq))
		msg := icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: payload}}
		b, err := msg.Marshal(nil)
		if err != nil {
			return Result{Status: Down, Reason: ReasonOther, Error: "ping: " + err.Error()}
		}
		// Each echo gets an equal share of the time left.
		wait := time.Until(dl) / time.Duration(s.Count-seq+1)
		if wait <= 0 {
			break
		}
		sent := time.Now()
		if _, err := conn.WriteTo(b, dst); err != nil {
			return failure(ctx, "sending the echo request", err)
		}
		_ = conn.SetReadDeadline(sent.Add(wait))
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil {
				break // this echo is lost
			}
			m, err := icmp.ParseMessage(proto, buf[:n])
			if err != nil {
				continue
			}
			echo, ok := m.Body.(*icmp.Echo)
			if !ok || m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply || echo.Seq != seq || !bytes.Equal(echo.Data, payload) {
				continue // someone else's, or our own request seen on a raw socket
			}
			received++
			rtt += time.Since(sent)
			break
		}
		if ctx.Err() != nil {
			break
		}
	}
	r := Result{Status: Up, Duration: time.Since(start), Evidence: map[string]string{
		"address": ip.String(), "sent": itoa(s.Count), "received": itoa(received),
	}}
	if received > 0 {
		r.Duration = rtt / time.Duration(received)
		r.Evidence["rtt_ms"] = fmt.Sprintf("%.2f", float64(r.Duration.Microseconds())/1000)
	}
	switch {
	case received == 0:
		r.Status, r.Reason = Down, ReasonPacketLoss
		r.Error = fmt.Sprintf("no echo reply from %s (%d sent)", ip, s.Count)
	case received < s.Count:
		r.Status, r.Reason = Degraded, ReasonPacketLoss
		r.Error = fmt.Sprintf("%d of %d echo requests to %s lost", s.Count-received, s.Count, ip)
	}
	return r
}

// lookupIP resolves host to one address, IPv4 first.
func lookupIP(ctx context.Context, host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap(), nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range addrs {
		if a.Unmap().Is4() {
			return a.Unmap(), nil
		}
	}
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("host %q has no address", host)
	}
	return addrs[0], nil
}
