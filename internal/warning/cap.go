package warning

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// CAPNamespace is the XML namespace of CAP 1.2 documents.
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// MaxCAPSize is the largest CAP document ParseCAP reads, in bytes. Real
// alerts are a few kilobytes; detailed polygons stay well below this.
const MaxCAPSize = 1 << 20

// The subset of CAP 1.2 that ParseCAP reads. Children are matched by local
// name; only the root's namespace is checked.
type (
	capAlert struct {
		XMLName    xml.Name
		Identifier string    `xml:"identifier"`
		Sender     string    `xml:"sender"`
		Sent       string    `xml:"sent"`
		Status     string    `xml:"status"`
		MsgType    string    `xml:"msgType"`
		Scope      string    `xml:"scope"`
		Infos      []capInfo `xml:"info"`
	}
	capInfo struct {
		Language   string     `xml:"language"`
		Categories []string   `xml:"category"`
		Event      string     `xml:"event"`
		Urgency    string     `xml:"urgency"`
		Severity   string     `xml:"severity"`
		Certainty  string     `xml:"certainty"`
		EventCodes []capValue `xml:"eventCode"`
		Onset      string     `xml:"onset"`
		Expires    string     `xml:"expires"`
		Headline   string     `xml:"headline"`
		Parameters []capValue `xml:"parameter"`
		Areas      []capArea  `xml:"area"`
	}
	capValue struct {
		ValueName string `xml:"valueName"`
		Value     string `xml:"value"`
	}
	capArea struct {
		AreaDesc string     `xml:"areaDesc"`
		Polygons []string   `xml:"polygon"`
		Circles  []string   `xml:"circle"`
		Geocodes []capValue `xml:"geocode"`
	}
)

// ParseCAP reads a CAP 1.2 alert and reduces it to a Warning of the home
// city, whose districts (or other areas) the caller lists in areas.
//
// It reads the first info block whose language is Chinese ("zh…"), or else
// the first. The hazard comes from an eventCode whose value names one of
// [Hazards], or else from keywords in the event and headline (暴雨, 地震,
// 森林火险, 危化品, 寒潮 and their English counterparts), falling back to
// general. The level comes from a parameter named "level", "预警级别" or
// "响应级别" (1–4, Ⅰ–Ⅳ, I–IV or a colour 红/橙/黄/蓝), or else from the
// severity (Extreme is 1, Minor is 4).
//
// An area of the alert covers a district when one of its geocodes (any
// valueName) is the district's code, the code padded with zeros
// (110111000000), or the code of the province or prefecture containing it
// (110000 covers all of Beijing); or when the district's reference point
// lies in one of its polygons or circles (WGS-84 "lat,lon" pairs; at most
// [MaxCAPPoints] polygon vertices per info block). An area with no geocode,
// polygon or circle is matched by name instead: its areaDesc covers a
// district it names in Chinese or English, with or without the 区/District
// suffix. The warning's Areas follow the order of areas and hold each code
// once. Onset defaults to the alert's sent time.
//
// Messages that announce no hazard to prepare for are refused: status other
// than Actual (Exercise, Test, System, Draft) and msgType Cancel, Ack or
// Error. Every error is an *apperr.Error whose Field is the XML path of the
// fault, such as "alert.info[0].area[0].polygon[0]"; its kind is TooLarge
// for documents over [MaxCAPSize] and Invalid otherwise. ParseCAP does not
// panic on any input, and a Warning it returns passes [Warning.Validate]
// against the codes of areas.
func ParseCAP(data []byte, areas []AreaRef) (Warning, error) {
	if len(data) > MaxCAPSize {
		return Warning{}, apperr.New(apperr.TooLarge, "cap.too_large", "CAP 文档超过 %d 字节",
			"CAP document exceeds %d bytes", MaxCAPSize).WithField("alert")
	}
	a, err := decodeCAP(data)
	if err != nil {
		return Warning{}, err
	}
	if err := a.check(); err != nil {
		return Warning{}, err
	}
	i := a.pickInfo()
	w, err := a.warning(i, areas)
	if err != nil {
		return Warning{}, err
	}
	if err := w.Validate(refSet(areas)); err != nil {
		return Warning{}, capField(err, i)
	}
	return w, nil
}

var errCharset = errors.New("unsupported charset")

// decodeCAP decodes one alert element and refuses anything but whitespace,
// comments and processing instructions after it.
func decodeCAP(data []byte) (*capAlert, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 BOM
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(charset, "us-ascii") {
			return r, nil
		}
		return nil, errCharset
	}
	var a capAlert
	if err := d.Decode(&a); err != nil {
		return nil, xmlError(err)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return &a, nil
		}
		if err != nil {
			return nil, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			return nil, capErr("cap.xml", "", "CAP 文档在 alert 元素之后还有内容", "CAP document has content after the alert element")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, capErr("cap.xml", "", "CAP 文档在 alert 元素之后还有内容", "CAP document has content after the alert element")
			}
		}
	}
}

func xmlError(err error) *apperr.Error {
	var syn *xml.SyntaxError
	switch {
	case errors.Is(err, errCharset):
		return capErr("cap.encoding", "", "CAP 文档须使用 UTF-8 编码", "CAP document must be encoded in UTF-8")
	case errors.As(err, &syn):
		return capErr("cap.xml", "", "CAP 文档不是有效的 XML（第 %d 行）：%s",
			"CAP document is not well-formed XML (line %d): %s", syn.Line, clip(syn.Msg))
	case err == io.EOF:
		return capErr("cap.xml", "", "CAP 文档为空", "CAP document is empty")
	}
	return capErr("cap.xml", "", "CAP 文档不是有效的 XML:%s", "CAP document is not well-formed XML: %s", clip(err.Error()))
}

// check verifies the alert's root, its required elements and that it
// announces a hazard.
func (a *capAlert) check() error {
	switch {
	case a.XMLName.Local != "alert":
		return capErr("cap.root", "alert", "根元素须为 alert，实际为「%s」", "root element must be alert, got %q", clip(a.XMLName.Local))
	case a.XMLName.Space != CAPNamespace:
		return capErr("cap.namespace", "alert", "命名空间须为 %s，实际为「%s」", "namespace must be %s, got %q",
			CAPNamespace, clip(a.XMLName.Space))
	case strings.TrimSpace(a.Identifier) == "":
		return capRequired("alert.identifier", "预警标识", "identifier")
	case strings.TrimSpace(a.Sent) == "":
		return capRequired("alert.sent", "发布时间", "sent")
	case len(a.Infos) == 0:
		return capRequired("alert.info", "预警信息", "info")
	}
	switch st := strings.TrimSpace(a.Status); st {
	case "", "Actual":
	default:
		return capErr("cap.status", "alert.status", "只接受实际预警（Actual），收到的是 %s",
			"only actual alerts are accepted, got status %s", clip(st))
	}
	switch mt := strings.TrimSpace(a.MsgType); mt {
	case "", "Alert", "Update":
		return nil
	default:
		return capErr("cap.msg_type", "alert.msgType", "只接受发布或更新消息（Alert/Update），收到的是 %s",
			"only Alert and Update messages are accepted, got msgType %s", clip(mt))
	}
}

// pickInfo returns the index of the first Chinese info block, or 0.
func (a *capAlert) pickInfo() int {
	for i, in := range a.Infos {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(in.Language)), "zh") {
			return i
		}
	}
	return 0
}

// warning builds the Warning from the alert's i-th info block.
func (a *capAlert) warning(i int, areas []AreaRef) (Warning, error) {
	in := a.Infos[i]
	path := fmt.Sprintf("alert.info[%d]", i)
	if strings.TrimSpace(in.Event) == "" {
		return Warning{}, capRequired(path+".event", "事件类型", "event")
	}
	w := Warning{
		Identifier: strings.TrimSpace(a.Identifier),
		Sender:     strings.TrimSpace(a.Sender),
		Headline:   strings.TrimSpace(in.Headline),
		Hazard:     in.hazard(),
		Source:     SourceCAP,
	}
	if w.Headline == "" {
		w.Headline = strings.TrimSpace(in.Event)
	}
	var err error
	if w.Level, err = in.level(path); err != nil {
		return Warning{}, err
	}
	if w.Onset, w.Expires, err = a.times(in, path); err != nil {
		return Warning{}, err
	}
	if w.Areas, err = resolveAreas(in.Areas, path, areas); err != nil {
		return Warning{}, err
	}
	return w, nil
}

// times returns the onset (the sent time if onset is absent) and expiry.
func (a *capAlert) times(in capInfo, path string) (onset, expires int64, err error) {
	if onset, err = parseTime(a.Sent, "alert.sent"); err != nil {
		return 0, 0, err
	}
	if strings.TrimSpace(in.Onset) != "" {
		if onset, err = parseTime(in.Onset, path+".onset"); err != nil {
			return 0, 0, err
		}
	}
	if strings.TrimSpace(in.Expires) != "" {
		if expires, err = parseTime(in.Expires, path+".expires"); err != nil {
			return 0, 0, err
		}
		if expires < onset {
			return 0, 0, capErr("cap.expires", path+".expires", "失效时间早于开始时间", "expires is before onset")
		}
	}
	return onset, expires, nil
}

// parseTime reads an xs:dateTime with a time zone, as CAP requires, such as
// 2026-07-30T08:00:00+08:00.
func parseTime(s, field string) (int64, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil || t.Unix() < 0 {
		return 0, capErr("cap.time", field, "时间「%s」无效：应形如 2026-07-30T08:00:00+08:00（1970 年以后，带时区）",
			"time %q is invalid: want the form 2026-07-30T08:00:00+08:00 (after 1970, with a time zone)", clip(s))
	}
	return t.Unix(), nil
}

// capField rewrites the JSON field of a Validate error as an XML path.
func capField(err error, info int) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	switch {
	case e.Field == "identifier":
		return e.WithField("alert.identifier")
	case e.Field == "onset" || e.Field == "expires":
		return e.WithField(fmt.Sprintf("alert.info[%d].%s", info, e.Field))
	}
	return e.WithField(fmt.Sprintf("alert.info[%d].area", info))
}

func capErr(code, field, zh, en string, args ...any) *apperr.Error {
	return apperr.New(apperr.Invalid, code, zh, en, args...).WithField(field)
}

func capRequired(field, nameZH, nameEN string) *apperr.Error {
	return capErr("cap.required", field, "CAP 文档缺少"+nameZH+"(%s)", "CAP document lacks "+nameEN+" (%s)", field)
}
