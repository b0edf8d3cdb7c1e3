package store

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/sign"
)

// SigningKey returns the instance's newest signing key, making the first
// on first use.
func (s *Store) SigningKey(ctx context.Context) (sign.Key, error) {
	var key sign.Key
	err := s.InTx(ctx, func(tx *Store) error {
		keys, err := tx.SigningKeys(ctx)
		if err != nil || len(keys) > 0 {
			if len(keys) > 0 {
				key = keys[0]
			}
			return err
		}
		if key, err = sign.NewKey(); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO signing_keys (kid, seed, created_at) VALUES (?, ?, ?)`, key.ID,
			hex.EncodeToString(key.Private.Seed()), tx.now().Unix())
		return err
	})
	if err != nil {
		return key, fmt.Errorf("store: signing key: %w", err)
	}
	return key, nil
}

// SigningKeys lists the instance's signing keys, newest first.
func (s *Store) SigningKeys(ctx context.Context) ([]sign.Key, error) {
	rows, err := s.query(ctx, `SELECT seed FROM signing_keys ORDER BY created_at DESC, kid`)
	if err != nil {
		return nil, fmt.Errorf("store: signing keys: %w", err)
	}
	defer rows.Close()
	var out []sign.Key
	for rows.Next() {
		var seedHex string
		if err := rows.Scan(&seedHex); err != nil {
			return nil, fmt.Errorf("store: signing keys: %w", err)
		}
		seed, err := hex.DecodeString(seedHex)
		if err != nil {
			return nil, fmt.Errorf("store: signing key: %w", err)
		}
		k, err := sign.FromSeed(seed)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
