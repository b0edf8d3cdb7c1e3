package pdffont_test

import (
	"fmt"
	"log"

	"codeberg.org/go-pdf/fpdf"

	"github.com/stockpile-dev/stockpile/internal/pdffont"
)

func ExamplePen_Wrap() {
	pdf := fpdf.New("P", "mm", "A4", "")
	pen, err := pdffont.Register(pdf)
	if err != nil {
		log.Fatal(err)
	}
	pdf.AddPage()
	st := pen.Regular(10)
	for i, line := range pen.Wrap("帐篷 3×4m Tent（棉质加厚），北京市应急物资储备库（通州）", st, 40) {
		pen.Text(20, st.Baseline(20+float64(i)*st.LineHeight()), line, st)
		fmt.Println(line)
	}
	// Output:
	// 帐篷 3×4m Tent
	// （棉质加厚），北京市应
	// 急物资储备库（通州）
}
