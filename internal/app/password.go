package app

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params sets the cost of argon2id password hashing.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 follows OWASP's recommendation for argon2id (19 MiB, 2 passes, 1 lane).
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// HashPassword returns an argon2id hash in the PHC string format, with a random salt.
func HashPassword(pw string, p Argon2Params) string {
	salt := randomBytes(16)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword tells whether pw matches an argon2id hash made by HashPassword. It reads the
// cost from the hash, so raising the default leaves old hashes valid.
func CheckPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.MemoryKiB > 1<<20 || p.Time > 16 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

var b64 = base64.RawStdEncoding

// randomBytes returns n bytes from the system's secure random source.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported systems
	}
	return b
}

// NewSecret returns a random secret with a prefix that tells what it is, and the SHA-256
// hash under which it is stored. Secrets have 256 bits of entropy, so a fast hash suffices.
func NewSecret(prefix string) (secret string, hash []byte) {
	secret = prefix + base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return secret, HashSecret(secret)
}

// HashSecret returns the stored form of a secret.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
