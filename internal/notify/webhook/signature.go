package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The Standard Webhooks headers. Go canonicalises header names on the wire
// ("Webhook-Id"); HTTP header names are case-insensitive, and receivers read them so.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every signing secret, so people (and secret scanners) recognise one.
const SecretPrefix = "whsec_"

// The length of a secret's key in bytes. Standard Webhooks asks for at least 24 bytes
// (192 bits) and at most 64 (512 bits); NewSecret makes 32.
const (
	minSecretBytes = 24
	maxSecretBytes = 64
	newSecretBytes = 32
)

// maxIDLen bounds a message id: it travels in a header and inside every signed string.
const maxIDLen = 255

// ErrInvalidSecret is wrapped by every error about the form of a secret.
var ErrInvalidSecret = errors.New("invalid webhook secret")

// NewSecret makes a signing secret for a new endpoint: "whsec_" and the standard base64 of
// 32 random bytes. Show it to the operator once; the receiver needs it to verify.
func NewSecret() (string, error) {
	b := make([]byte, newSecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook: random secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// ValidateSecret tells whether s is a signing secret this package can use: "whsec_" and the
// standard (padded) base64 of 24 to 64 bytes. Check it when an operator pastes a secret
// from elsewhere, so a typo fails at once instead of at the first delivery.
func ValidateSecret(s string) error {
	_, err := secretKey(s)
	return err
}

// secretKey returns the HMAC key of a secret: its base64-decoded part.
func secretKey(s string) ([]byte, error) {
	enc, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: it must start with %q", ErrInvalidSecret, SecretPrefix)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: the part after %q must be standard base64", ErrInvalidSecret, SecretPrefix)
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, fmt.Errorf("%w: it holds %d bytes, and must hold %d to %d", ErrInvalidSecret, len(key), minSecretBytes, maxSecretBytes)
	}
	return key, nil
}

// ValidateID tells whether id can be a message id: 1 to 255 ASCII letters, digits, '_'
// and '-'. The spec warns that an id with a '.' would make "{id}.{timestamp}.{body}"
// ambiguous; anything outside this set could also break the header.
func ValidateID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("webhook: a message id must be 1 to %d characters long", maxIDLen)
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("webhook: message id %q may hold only letters, digits, '_' and '-'", id)
		}
	}
	return nil
}

// Sign returns the Standard Webhooks signature of one message under one secret:
// "v1," and the standard base64 of HMAC-SHA256 over "{id}.{timestamp}.{body}", where the
// timestamp is ts in whole Unix seconds, exactly as sent in webhook-timestamp.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	if err := ValidateID(id); err != nil {
		return "", err
	}
	return sign(key, id, ts.Unix(), body), nil
}

func sign(key []byte, id string, unix int64, body []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id))
	h.Write([]byte{'.'})
	h.Write(strconv.AppendInt(nil, unix, 10))
	h.Write([]byte{'.'})
	h.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// SignatureHeader returns the value of webhook-signature for a message signed with every
// secret, in the order given (newest first), separated by single spaces. During a secret
// rotation pass the new and the previous secret: a receiver that knows either verifies.
func SignatureHeader(secrets []string, id string, ts time.Time, body []byte) (string, error) {
	if len(secrets) == 0 {
		return "", fmt.Errorf("%w: no secret to sign with", ErrInvalidSecret)
	}
	sigs := make([]string, len(secrets))
	for i, s := range secrets {
		sig, err := Sign(s, id, ts, body)
		if err != nil {
			return "", err
		}
		sigs[i] = sig
	}
	return strings.Join(sigs, " "), nil
}
