package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/orderstatus/orderstatus/internal/status"
)

// MasterKeySize is the size of the master key that encrypts secrets at rest.
const MasterKeySize = 32

// sealPrefix starts every sealed value, so that a plaintext secret is never taken for one.
const sealPrefix = "enc1:"

// ErrWrongMasterKey: a sealed value does not open with this master key (another key, or a
// tampered value).
var ErrWrongMasterKey = errors.New("the master key does not open this database's secrets")

// MasterKey encrypts the secrets kept in the database (signing keys, callback secrets,
// session keys) with AES-256-GCM. The key lives outside the database, so that a copy of the
// database or of a backup alone holds no usable secret.
type MasterKey struct{ aead cipher.AEAD }

// NewMasterKey returns the master key of 32 bytes of key material.
func NewMasterKey(material []byte) (*MasterKey, error) {
	if len(material) != MasterKeySize {
		return nil, fmt.Errorf("a master key has %d bytes, not %d", MasterKeySize, len(material))
	}
	// Derived rather than used directly, so that the key file's bytes serve one purpose only.
	k := sha256.Sum256(append([]byte("orderstatus secrets at rest v1\x00"), material...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &MasterKey{aead: aead}, nil
}

// ParseMasterKey reads a master key written as base64 (standard or URL alphabet, padded or
// not) or hex, as ORDERSTATUS_MASTER_KEY and key files hold it.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == MasterKeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == MasterKeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("a master key is %d random bytes written as base64 or hex (e.g. `openssl rand -base64 32`)", MasterKeySize)
}

// NewMasterKeyMaterial returns 32 fresh random bytes for a master key.
func NewMasterKeyMaterial() []byte {
	key := make([]byte, MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return key
}

// ReadKeyFile returns the master key in the file at path; an error that wraps
// fs.ErrNotExist when there is none. A key file that others may read is refused.
func ReadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("master key file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("master key file %s is readable by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
	}
	key, err := ParseMasterKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	return key, nil
}

// WriteKeyFile creates the file at path with mode 0600 holding key. It fails with an error
// that wraps fs.ErrExist when the file exists.
func WriteKeyFile(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("master key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("master key file: %w", err)
	}
	return nil
}

// Seal encrypts plaintext for storage under a context (for example "accounts.signing_key/1001")
// that Open must repeat, so that a sealed value copied to another place does not open. The
// empty string stays empty.
func (k *MasterKey) Seal(context, plaintext string) string {
	if plaintext == "" {
		return ""
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out := k.aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return sealPrefix + base64.RawURLEncoding.EncodeToString(out)
}

// Open decrypts a value Seal returned for the same context. It fails with
// ErrWrongMasterKey for a value sealed with another key or in another context, and for a
// value that is not sealed at all.
func (k *MasterKey) Open(context, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	rest, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return "", fmt.Errorf("%s: not encrypted: %w", context, ErrWrongMasterKey)
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(b) < k.aead.NonceSize() {
		return "", fmt.Errorf("%s: %w", context, ErrWrongMasterKey)
	}
	n := k.aead.NonceSize()
	pt, err := k.aead.Open(nil, b[:n], b[n:], []byte(context))
	if err != nil {
		return "", fmt.Errorf("%s: %w", context, ErrWrongMasterKey)
	}
	return string(pt), nil
}

// IsSealed reports whether v is a value Seal returned.
func IsSealed(v string) bool { return strings.HasPrefix(v, sealPrefix) }

// Secrets at rest, sealed the same way by every store, so that a value sealed by one engine
// opens in the other with the same master key: each value is tied to its place (the column
// and account, or the setting's key), so a sealed value copied elsewhere does not open.

func accountSecretContext(column string, account int64) string {
	return "accounts." + column + "/" + strconv.FormatInt(account, 10)
}

// SealAccount seals an account's signing keys and callback secret for storage.
func (k *MasterKey) SealAccount(a status.Account) (signing, previous, callback string) {
	return k.Seal(accountSecretContext("signing_key", a.ID), a.SigningKey),
		k.Seal(accountSecretContext("previous_signing_key", a.ID), a.PreviousSigningKey),
		k.Seal(accountSecretContext("callback_secret", a.ID), a.CallbackSecret)
}

// OpenAccount opens the secrets SealAccount sealed, in place.
func (k *MasterKey) OpenAccount(a *status.Account) error {
	var err error
	if a.SigningKey, err = k.Open(accountSecretContext("signing_key", a.ID), a.SigningKey); err != nil {
		return err
	}
	if a.PreviousSigningKey, err = k.Open(accountSecretContext("previous_signing_key", a.ID), a.PreviousSigningKey); err != nil {
		return err
	}
	a.CallbackSecret, err = k.Open(accountSecretContext("callback_secret", a.ID), a.CallbackSecret)
	return err
}

// OpenCallbackSecret opens one account's sealed callback secret (the outbox reads it alone).
func (k *MasterKey) OpenCallbackSecret(account int64, sealed string) (string, error) {
	return k.Open(accountSecretContext("callback_secret", account), sealed)
}

// SealSetting seals the value of a setting.
func (k *MasterKey) SealSetting(key string, v []byte) []byte {
	return []byte(k.Seal("settings/"+key, string(v)))
}

// OpenSetting opens a value SealSetting sealed.
func (k *MasterKey) OpenSetting(key string, v []byte) ([]byte, error) {
	pt, err := k.Open("settings/"+key, string(v))
	return []byte(pt), err
}
