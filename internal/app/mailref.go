package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"meldpunt/internal/desk"
)

// What identifies Meldpunt's emails and what they link to: the signing key, Message-IDs
// that thread one incident's messages, reply addresses that name the notification answered,
// and the signed links of a solution (docs/email.md).

// signingKeySetting is the settings row holding the installation's signing key: shared by
// every instance on one database, made once.
const signingKeySetting = "signing_key"

// signingKey caches the key once read.
type signingKey struct {
	mu  sync.Mutex
	key []byte
}

// signingKey returns the installation's key, making and storing it on first use. Instances
// making one at once all add theirs if absent and then read what is stored, so they all
// use the key of the first to commit (PostgreSQL runs read committed: the read after the
// insert sees the winner's row).
func (a *core) signingKey(ctx context.Context) ([]byte, error) {
	a.key.mu.Lock()
	defer a.key.mu.Unlock()
	if a.key.key != nil {
		return a.key.key, nil
	}
	var stored string
	err := a.store.Write(ctx, func(tx Tx) error {
		if err := tx.AddSetting(ctx, signingKeySetting, hex.EncodeToString(randomBytes(32))); err != nil {
			return err
		}
		v, err := tx.Setting(ctx, signingKeySetting)
		stored = v
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("signing key: the stored key is damaged")
	}
	a.key.key = key
	return key, nil
}

// randomInstance names this process in outbox leases.
func randomInstance() string { return hex.EncodeToString(randomBytes(8)) }

// hostOf returns the host name of a URL, "localhost" when it has none.
func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}

// lowerB32 is lower-case base32 without padding: safe in an email address's local part,
// which mail systems may fold to lower case.
var lowerB32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// mac returns the HMAC-SHA256 of the parts (joined with "|") under key, n bytes of it,
// lower-case base32.
func mac(key []byte, n int, parts ...string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(strings.Join(parts, "|")))
	return lowerB32.EncodeToString(h.Sum(nil)[:n])
}

// sameMAC compares two MACs in constant time.
func sameMAC(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// mailDomain is the domain of the desk's address: Message-IDs and reply addresses use it.
func (a *core) mailDomain() string {
	_, d, ok := strings.Cut(a.cfg.Outbox.From.Email, "@")
	if !ok || d == "" {
		return hostOf(a.cfg.BaseURL)
	}
	return strings.ToLower(d)
}

// MessageID is the stable Message-ID of a notification about an incident:
// "<INC-000123.45@domain>". Resending the same notification gives the same id.
func (a *Outbox) MessageID(n desk.Notification, number string) string {
	if number == "" {
		return "<n" + strconv.FormatInt(n.ID, 10) + "@" + a.mailDomain() + ">"
	}
	return "<" + number + "." + strconv.FormatInt(n.ID, 10) + "@" + a.mailDomain() + ">"
}

// ThreadID is the root every message of one incident refers to (In-Reply-To and
// References), so mail clients thread them: "<INC-000123@domain>".
func (a *Outbox) ThreadID(number string) string { return "<" + number + "@" + a.mailDomain() + ">" }

// replyMACBytes is the length of the MAC in a reply address: 80 bits.
const replyMACBytes = 10

// ReplyAddress is the address replies to a notification go to: the desk's local part, "+",
// the notification id, ".", and a MAC of it ("meldpunt+45.k3j…@domain"). Only Meldpunt can
// make one, so a reply names its notification, and so its incident and recipient.
func (a *Outbox) ReplyAddress(ctx context.Context, notificationID int64) (string, error) {
	key, err := a.signingKey(ctx)
	if err != nil {
		return "", err
	}
	local, _, _ := strings.Cut(a.cfg.Outbox.From.Email, "@")
	id := strconv.FormatInt(notificationID, 10)
	return local + "+" + id + "." + mac(key, replyMACBytes, "reply", id) + "@" + a.mailDomain(), nil
}

// parseReplyAddress returns the notification id a reply address names; ok is false for any
// other address, or a forged or damaged one.
func (a *core) parseReplyAddress(ctx context.Context, addr string) (id int64, ok bool, err error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, domain, found := strings.Cut(addr, "@")
	deskLocal, _, _ := strings.Cut(strings.ToLower(a.cfg.Outbox.From.Email), "@")
	if !found || domain != a.mailDomain() {
		return 0, false, nil
	}
	base, tag, plus := strings.Cut(local, "+")
	if !plus || base != deskLocal {
		return 0, false, nil
	}
	idText, sum, dot := strings.Cut(tag, ".")
	id, perr := strconv.ParseInt(idText, 10, 64)
	if !dot || perr != nil || id <= 0 {
		return 0, false, nil
	}
	key, err := a.signingKey(ctx)
	if err != nil {
		return 0, false, err
	}
	if !sameMAC(sum, mac(key, replyMACBytes, "reply", idText)) {
		return 0, false, nil
	}
	return id, true, nil
}

// solutionMACBytes is the length of the MAC in a solution link: 128 bits.
const solutionMACBytes = 16

// SolutionToken is what a solution link says: which incident, which resolution of it (its
// resolved time: a later resolution needs a new link, so a link works once), which action,
// and until when.
type SolutionToken struct {
	IncidentID int64
	ResolvedAt time.Time // to the millisecond
	Confirm    bool      // true: confirm the solution; false: reject it
	Expires    time.Time // to the second
}

// fields are the token's parts before its MAC, as they go into a link: "id.resolved-ms.c|r.expires.mac".
func (t SolutionToken) fields() []string {
	action := "r"
	if t.Confirm {
		action = "c"
	}
	return []string{strconv.FormatInt(t.IncidentID, 10), strconv.FormatInt(t.ResolvedAt.UnixMilli(), 10),
		action, strconv.FormatInt(t.Expires.Unix(), 10)}
}

// SolutionLinks returns the Confirm and Reject links of a resolved incident's solution.
// They expire when the incident would close by itself (auto_close_at), and work only while
// the incident is resolved with this solution: a used or superseded link is refused.
func (a *Outbox) SolutionLinks(ctx context.Context, inc desk.Incident) (confirm, reject string, err error) {
	if inc.State != desk.StateResolved || inc.ResolvedAt == nil {
		return "", "", desk.Errorf(desk.ECONFLICT, "the incident is not resolved")
	}
	key, err := a.signingKey(ctx)
	if err != nil {
		return "", "", err
	}
	exp := inc.ResolvedAt.Add(time.Duration(desk.DefaultAutoCloseHours) * time.Hour)
	if inc.AutoCloseAt != nil {
		exp = *inc.AutoCloseAt
	}
	link := func(ok bool) string {
		f := SolutionToken{IncidentID: inc.ID, ResolvedAt: *inc.ResolvedAt, Confirm: ok, Expires: exp}.fields()
		return strings.TrimRight(a.cfg.BaseURL, "/") + "/solution/" + strings.Join(f, ".") + "." +
			mac(key, solutionMACBytes, append([]string{"solution"}, f...)...)
	}
	return link(true), link(false), nil
}

// ParseSolutionToken checks a solution link's token: its MAC and that it has not expired at
// now. It does not look at the incident; the use case checks that it is still resolved
// with this solution. A damaged, forged or expired token is EUNAUTHORIZED.
func (a *core) parseSolutionToken(ctx context.Context, token string, now time.Time) (SolutionToken, error) {
	bad := desk.Errorf(desk.EUNAUTHORIZED, "this link is not valid; sign in to see the incident")
	parts := strings.Split(token, ".")
	if len(token) > 200 || len(parts) != 5 {
		return SolutionToken{}, bad
	}
	key, err := a.signingKey(ctx)
	if err != nil {
		return SolutionToken{}, err
	}
	if !sameMAC(parts[4], mac(key, solutionMACBytes, append([]string{"solution"}, parts[:4]...)...)) {
		return SolutionToken{}, bad
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	resolved, err2 := strconv.ParseInt(parts[1], 10, 64)
	exp, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || (parts[2] != "c" && parts[2] != "r") {
		return SolutionToken{}, bad
	}
	t := SolutionToken{IncidentID: id, ResolvedAt: time.UnixMilli(resolved).UTC(), Confirm: parts[2] == "c", Expires: time.Unix(exp, 0).UTC()}
	if !now.Before(t.Expires) {
		return SolutionToken{}, desk.Errorf(desk.EUNAUTHORIZED, "this link has expired; sign in to see the incident")
	}
	return t, nil
}
