package importer

import (
	"strings"
)

// ColumnsTable is the Markdown table of spec's columns as docs/import.md
// shows it (a test keeps the two in step): key, headers, unit, whether
// required, the allowed values, an example.
func ColumnsTable(spec Spec) string {
	var b strings.Builder
	b.WriteString("| key | 表头 | header | unit | required | values | example |\n|---|---|---|---|---|---|---|\n")
	for _, c := range spec.Columns {
		req := ""
		if c.Required {
			req = "yes"
		}
		var values []string
		for _, ch := range c.Choices {
			values = append(values, "`"+ch.Value+"` "+ch.ZH)
		}
		head := c.ZH
		if len(c.Aliases) > 0 {
			head += "（也认 also：" + strings.Join(c.Aliases, "、") + "）"
		}
		cells := []string{"`" + c.Key + "`", head, c.EN, c.Unit, req, strings.Join(values, "<br>"), c.Example}
		for i, s := range cells {
			cells[i] = strings.ReplaceAll(s, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}
