package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestMatrixRunSmall runs the matrix benchmark on a small synthetic
// network: the report must show identical matrices and the target line.
func TestMatrixRunSmall(t *testing.T) {
	var out bytes.Buffer
	c := matrixConfig{nets: []string{"synthetic"}, rows: 40, cols: 40, sources: 20, targets: 7, seed: 1, repeat: 2}
	if err := runMatrix(context.Background(), c, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"synthetic 40×40", "true", "target: synthetic 40×40 CH matrix ≤ 1s after preprocessing: met"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestMatrixConfigValidate(t *testing.T) {
	for _, c := range []matrixConfig{
		{nets: []string{"atlantis"}, sources: 1, targets: 1, repeat: 1},
		{sources: 1, targets: 1, repeat: 1},
		{nets: []string{"synthetic"}, sources: 0, targets: 1, repeat: 1},
	} {
		if err := c.validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
