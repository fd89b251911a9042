package webhook

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The example of the Standard Webhooks reference libraries' tests.
const (
	refSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	refID      = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	refPayload = `{"test": 2432232314}`
)

// verify checks a signature header with the reference library, the independent
// implementation of the spec.
func verify(t *testing.T, secret, id string, ts time.Time, body []byte, sigHeader string) error {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("reference library refuses secret %q: %v", secret, err)
	}
	h := http.Header{}
	h.Set(standardwebhooks.HeaderWebhookID, id)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sigHeader)
	return wh.VerifyIgnoringTimestamp(body, h)
}

func TestSignMatchesReference(t *testing.T) {
	t.Parallel()
	ts := time.Unix(1614265330, 0)
	got, err := Sign(refSecret, refID, ts, []byte(refPayload))
	if err != nil {
		t.Fatal(err)
	}
	wh, err := standardwebhooks.NewWebhook(refSecret)
	if err != nil {
		t.Fatal(err)
	}
	want, err := wh.Sign(refID, ts, []byte(refPayload))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Sign = %q, reference library %q", got, want)
	}
	if err := verify(t, refSecret, refID, ts, []byte(refPayload), got); err != nil {
		t.Errorf("reference library refuses our signature: %v", err)
	}
	// Sub-second parts of the time are not signed: the header carries whole seconds.
	if again, _ := Sign(refSecret, refID, ts.Add(999*time.Millisecond), []byte(refPayload)); again != got {
		t.Errorf("Sign depends on the fraction of a second: %q, %q", again, got)
	}
}

func TestNewSecret(t *testing.T) {
	t.Parallel()
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Fatal("two new secrets are equal")
	}
	if err := ValidateSecret(a); err != nil {
		t.Fatalf("ValidateSecret(NewSecret()): %v", err)
	}
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, SecretPrefix))
	if len(key) != 32 {
		t.Errorf("a new secret holds %d bytes, want 32", len(key))
	}
	// The reference library takes our secret and checks our signature with it.
	ts := time.Unix(1700000000, 0)
	sig, err := Sign(a, "msg_1", ts, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(t, a, "msg_1", ts, []byte(`{}`), sig); err != nil {
		t.Errorf("reference library refuses a signature with a new secret: %v", err)
	}
}

func TestValidateSecret(t *testing.T) {
	t.Parallel()
	b64 := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	tests := []struct {
		name   string
		secret string
		ok     bool
	}{
		{"reference example (24 bytes)", refSecret, true},
		{"32 bytes", "whsec_" + b64(32), true},
		{"64 bytes", "whsec_" + b64(64), true},
		{"23 bytes", "whsec_" + b64(23), false},
		{"65 bytes", "whsec_" + b64(65), false},
		{"no prefix", b64(32), false},
		{"other prefix", "whsk_" + b64(32), false},
		{"empty", "", false},
		{"prefix only", "whsec_", false},
		{"not base64", "whsec_" + strings.Repeat("!", 44), false},
		{"unpadded", "whsec_" + strings.TrimRight(b64(32), "="), false},
		{"URL alphabet", "whsec_" + base64.URLEncoding.EncodeToString([]byte(strings.Repeat("\xff", 32))), false},
		{"space inside", "whsec_" + b64(32)[:10] + " " + b64(32)[10:], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSecret(tt.secret)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidateSecret(%q) = %v, want ok %v", tt.secret, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidSecret) {
				t.Errorf("error %v does not wrap ErrInvalidSecret", err)
			}
			if _, serr := Sign(tt.secret, "msg_1", time.Now(), nil); (serr == nil) != tt.ok {
				t.Errorf("Sign with it: %v, want ok %v", serr, tt.ok)
			}
		})
	}
}

func TestValidateID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id string
		ok bool
	}{
		{"msg_123", true},
		{"01HZX3Q-abc_DEF", true},
		{strings.Repeat("a", 255), true},
		{"", false},
		{strings.Repeat("a", 256), false},
		{"msg.123", false}, // would make "{id}.{timestamp}.{body}" ambiguous
		{"msg 123", false},
		{"msg\r\nX-Evil: 1", false},
		{"bericht_é", false},
	}
	for _, tt := range tests {
		if err := ValidateID(tt.id); (err == nil) != tt.ok {
			t.Errorf("ValidateID(%q) = %v, want ok %v", tt.id, err, tt.ok)
		}
	}
}

func TestSignatureHeaderRotation(t *testing.T) {
	t.Parallel()
	newer, _ := NewSecret()
	older, _ := NewSecret()
	other, _ := NewSecret()
	ts := time.Unix(1700000000, 0)
	body := []byte(`{"type":"webhook.test"}`)

	h, err := SignatureHeader([]string{newer, older}, "msg_9", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(h, " ")
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "v1,") || !strings.HasPrefix(parts[1], "v1,") {
		t.Fatalf("header %q: want two space-separated v1 signatures", h)
	}
	if want, _ := Sign(newer, "msg_9", ts, body); parts[0] != want {
		t.Errorf("first signature is not the newest secret's")
	}
	for name, s := range map[string]string{"newer": newer, "older": older} {
		if err := verify(t, s, "msg_9", ts, body, h); err != nil {
			t.Errorf("the %s secret does not verify: %v", name, err)
		}
	}
	if err := verify(t, other, "msg_9", ts, body, h); err == nil {
		t.Error("an unrelated secret verifies")
	}

	if _, err := SignatureHeader(nil, "msg_9", ts, body); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("no secrets: %v, want ErrInvalidSecret", err)
	}
	if _, err := SignatureHeader([]string{newer, "whsec_bad"}, "msg_9", ts, body); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("one bad secret: %v, want ErrInvalidSecret", err)
	}
}
