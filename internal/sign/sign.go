// Package sign signs what Stockpile sends to other systems (the report to
// the level above) as JSON Web Signatures: compact JWS (RFC 7515) with
// EdDSA over Ed25519 (RFC 8037), which any JOSE library checks, with the
// instance's public keys published as a JWK set (GET /api/keys).
package sign

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Key is an instance's signing key; its id is derived from the public
// key, so that the same key always has the same id.
type Key struct {
	ID      string
	Private ed25519.PrivateKey
}

// NewKey makes a fresh key.
func NewKey() (Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, fmt.Errorf("sign: key: %w", err)
	}
	return FromSeed(priv.Seed())
}

// FromSeed is the key of a stored seed.
func FromSeed(seed []byte) (Key, error) {
	if len(seed) != ed25519.SeedSize {
		return Key{}, errors.New("sign: a key's seed is 32 bytes")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	sum := sha256.Sum256(priv.Public().(ed25519.PublicKey))
	return Key{ID: "ed25519-" + b64(sum[:8]), Private: priv}, nil
}

// JWK is a public key as RFC 8037 writes it.
type JWK struct {
	Kty string `json:"kty"` // OKP
	Crv string `json:"crv"` // Ed25519
	X   string `json:"x"`   // the public key, base64url
	Kid string `json:"kid"`
	Use string `json:"use"` // sig
	Alg string `json:"alg"` // EdDSA
}

// Public is k's public key as a JWK.
func (k Key) Public() JWK {
	return JWK{Kty: "OKP", Crv: "Ed25519", X: b64(k.Private.Public().(ed25519.PublicKey)), Kid: k.ID, Use: "sig", Alg: "EdDSA"}
}

// header is the protected header of a signature.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Cty string `json:"cty,omitempty"`
}

// JWS signs payload (JSON) as a compact JWS whose content type is cty.
func (k Key) JWS(payload []byte, cty string) (string, error) {
	h, err := json.Marshal(header{Alg: "EdDSA", Kid: k.ID, Cty: cty})
	if err != nil {
		return "", err
	}
	input := b64(h) + "." + b64(payload)
	return input + "." + b64(ed25519.Sign(k.Private, []byte(input))), nil
}

// Verify checks a compact JWS against the published keys and returns its
// payload: the receiver's check.
func Verify(jws string, keys []JWK) ([]byte, error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return nil, errors.New("sign: not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("sign: header: %w", err)
	}
	var h header
	if err := json.Unmarshal(raw, &h); err != nil || h.Alg != "EdDSA" {
		return nil, fmt.Errorf("sign: header %s: want alg EdDSA", raw)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("sign: signature: %w", err)
	}
	for _, k := range keys {
		if k.Kid != h.Kid || k.Kty != "OKP" || k.Crv != "Ed25519" {
			continue
		}
		pub, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("sign: key %s is malformed", k.Kid)
		}
		if !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
			return nil, errors.New("sign: the signature does not match")
		}
		return base64.RawURLEncoding.DecodeString(parts[1])
	}
	return nil, fmt.Errorf("sign: no published key %q", h.Kid)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
