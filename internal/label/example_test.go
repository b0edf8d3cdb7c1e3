package label_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/stockpile-dev/stockpile/internal/label"
)

func ExampleWrite() {
	labels := []label.Label{{
		QRText:    "STOCKPILE:LOT:K3V9TQ2MA",
		LotCode:   "K3V9TQ2MA",
		ItemCode:  "TENT-12",
		ItemName:  "帐篷（12 m²）",
		Batch:     "B2024-07",
		ExpiresOn: "2029-06-30",
		DepotCode: "BJ-TZ",
		DepotName: "北京市应急物资储备库（通州）",
		Location:  "A-01-03",
	}}
	f, err := label.ParseFormat("thermal") // "" gives label.A4Sheet
	if err != nil {
		log.Fatal(err)
	}
	var pdf bytes.Buffer // an http.ResponseWriter or an *os.File in real use
	if err := label.Write(&pdf, f, labels); err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	// Output: true
}
