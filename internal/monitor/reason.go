package monitor

import (
	"context"
	"errors"
	"net"
	"syscall"
)

// Reasons name why a check is not up, one word each, so screens and alerts can say it in
// the reader's language (a catalog key per reason) beside Error's English detail. Every
// result that is not up has one.
const (
	ReasonTimeout      = "timeout"        // no answer within the timeout
	ReasonStopped      = "stopped"        // the check was cancelled (shutdown)
	ReasonRefused      = "refused"        // connection refused
	ReasonHostNotFound = "host_not_found" // the name does not resolve
	ReasonUnreachable  = "unreachable"    // no route to the host or network
	ReasonConnection   = "connection"     // reset, closed or another network error
	ReasonStatus       = "status"         // an HTTP status not expected
	ReasonKeyword      = "keyword"        // the keyword is missing, or present when it must not be
	ReasonJSON         = "json"           // the JSON condition does not hold, or the body is no JSON
	ReasonRedirects    = "redirects"      // too many redirects
	ReasonSlow         = "slow"           // degraded: slower than degraded_after
	ReasonCertExpiring = "cert_expiring"  // a certificate within warn_days or fail_days of its end
	ReasonCertInvalid  = "cert_invalid"   // expired, unknown authority, wrong name
	ReasonTLS          = "tls"            // a TLS handshake that failed otherwise
	ReasonDNS          = "dns"            // NXDOMAIN, SERVFAIL, no record of the type
	ReasonDNSAnswer    = "dns_answer"     // an answer other than expected
	ReasonPacketLoss   = "packet_loss"    // echo requests lost (all: down; some: degraded)
	ReasonNoICMP       = "no_icmp"        // the process may not send ICMP
	ReasonProtocol     = "protocol"       // the server speaks another protocol, or garbage
	ReasonServer       = "server"         // the server refused: credentials, database, greeting, STARTTLS
	ReasonSupplier     = "supplier"       // the supplier reports an outage or slowness
	ReasonSupplierPage = "supplier_page"  // the supplier's page cannot be read as a Statuspage page
	ReasonSettings     = "settings"       // the monitor's settings are not valid
	ReasonPushed       = "pushed"         // a heartbeat, which is never run
	ReasonOther        = "other"
)

// Reasons lists every reason, for the catalogs that translate them.
func Reasons() []string {
	return []string{ReasonTimeout, ReasonStopped, ReasonRefused, ReasonHostNotFound, ReasonUnreachable,
		ReasonConnection, ReasonStatus, ReasonKeyword, ReasonJSON, ReasonRedirects, ReasonSlow,
		ReasonCertExpiring, ReasonCertInvalid, ReasonTLS, ReasonDNS, ReasonDNSAnswer, ReasonPacketLoss,
		ReasonNoICMP, ReasonProtocol, ReasonServer, ReasonSupplier, ReasonSupplierPage, ReasonSettings,
		ReasonPushed, ReasonOther}
}

// reasonOf classifies an error of the network or a client library.
func reasonOf(ctx context.Context, err error) string {
	var ne net.Error
	var dnsErr *net.DNSError
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return ReasonTimeout
	case ctx.Err() != nil:
		return ReasonStopped
	case errors.As(err, &ne) && ne.Timeout():
		return ReasonTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused
	case errors.As(err, &dnsErr):
		return ReasonHostNotFound
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return ReasonUnreachable
	case errors.Is(err, errTooManyRedirects):
		return ReasonRedirects
	case errors.As(err, &ne):
		return ReasonConnection
	}
	return ReasonOther
}
