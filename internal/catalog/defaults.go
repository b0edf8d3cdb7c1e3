package catalog

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

//go:embed data/categories.csv data/items.csv
var defaultData embed.FS

// Defaults returns the default catalogue that ships with the binary: the
// three classes of GB/T 38565, local sub-categories below them, and the items
// a city emergency bureau typically holds. It is checked by the tests, so an
// error here means the embedded files were broken at build time.
func Defaults() ([]Category, []Item, error) {
	cats, err := readCSV("data/categories.csv", parseCategory)
	if err != nil {
		return nil, nil, err
	}
	items, err := readCSV("data/items.csv", parseItem)
	if err != nil {
		return nil, nil, err
	}
	return cats, items, nil
}

func readCSV[T any](name string, parse func(rec []string) (T, error)) ([]T, error) {
	f, err := defaultData.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil { // header
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	var out []T
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		v, err := parse(rec)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		out = append(out, v)
	}
}

// parseCategory reads code,name_zh,name_en,local.
func parseCategory(rec []string) (Category, error) {
	c := Category{Code: rec[0], NameZH: rec[1], NameEN: rec[2], Local: rec[3] == "1"}
	return c, ValidateCode(c.Code, len(c.Code))
}

// parseItem reads code,name_zh,name_en,unit_zh,unit_en,counted,spec,
// shelf_life_days,purpose,volume_m3.
func parseItem(rec []string) (Item, error) {
	it := Item{Code: rec[0], NameZH: rec[1], NameEN: rec[2], UnitZH: rec[3], UnitEN: rec[4],
		Counted: rec[5] == "1", Spec: rec[6], Purpose: Purpose(rec[8])}
	var err error
	if rec[7] != "" {
		if it.ShelfLifeDays, err = strconv.Atoi(rec[7]); err != nil {
			return it, fmt.Errorf("shelf_life_days: %w", err)
		}
	}
	if it.VolumeM3, err = strconv.ParseFloat(rec[9], 64); err != nil {
		return it, fmt.Errorf("volume_m3: %w", err)
	}
	return it, it.Validate()
}
