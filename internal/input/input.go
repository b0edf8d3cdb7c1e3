// Package input holds the rules every surface applies to what people and
// systems send before anything is looked up or stored: JSON is one value
// of the expected shape, with no unknown fields and nothing after it, and
// text is valid UTF-8 without NUL characters.
//
// The text rule is the same on both engines: PostgreSQL refuses NUL in
// text and invalid UTF-8 outright, SQLite stores both; Go's JSON decoder
// would silently replace invalid UTF-8 with U+FFFD. Refusing both here,
// with the field named, keeps the two engines alike and loses nothing
// silently.
package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Text checks one text value: valid UTF-8 and no NUL. field names it in
// the error (text.invalid_utf8 or text.nul).
func Text(field, s string) error {
	if !utf8.ValidString(s) {
		return apperr.New(apperr.Invalid, "text.invalid_utf8", "「%s」含有无效的 UTF-8 编码", "%s is not valid UTF-8", field).
			WithField(field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return apperr.New(apperr.Invalid, "text.nul", "「%s」含有 NUL 字符（\\u0000）", "%s contains a NUL character (\\u0000)", field).
			WithField(field)
	}
	return nil
}

// DecodeJSON decodes data, which must be one JSON value of v's shape: no
// unknown fields, nothing after it, valid UTF-8, and no NUL in any string
// of the result. Errors are apperr.Errors naming the problem and, where
// there is one, the field: request.malformed_json, text.invalid_utf8,
// text.nul, or a field decoder's own (such as quantity.malformed).
func DecodeJSON(data []byte, v any) error {
	if !utf8.Valid(data) {
		return &apperr.Error{Kind: apperr.Invalid, Code: "text.invalid_utf8",
			ZH: "请求内容含有无效的 UTF-8 编码", EN: "the body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("请求内容在 JSON 值之后还有多余内容", "the body has data after the JSON value", "")
	}
	return Strings(v)
}

// Strings walks v (structs, pointers, slices, arrays and maps) and checks
// every string in it with Text, naming the first bad one by its JSON path
// (sites[0].name).
func Strings(v any) error { return walk(reflect.ValueOf(v), "") }

func walk(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.String:
		return Text(strings.TrimPrefix(path, "."), v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walk(v.Elem(), path)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				name = tag
			}
			p := path + "." + name
			if f.Anonymous && f.Tag.Get("json") == "" {
				p = path // embedded: its fields are the outer value's
			}
			if err := walk(v.Field(i), p); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes (json.RawMessage): checked where they are decoded
		}
		for i := range v.Len() {
			if err := walk(v.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			if err := Text(strings.TrimPrefix(path+"."+k, "."), k); err != nil {
				return err
			}
			if err := walk(iter.Value(), path+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeError explains why a body could not be decoded.
func decodeError(err error) error {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return malformed("请求内容为空，应为 JSON 对象", "the body is empty; want a JSON object", "")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("请求内容中的 JSON 不完整", "the body ends in the middle of the JSON value", "")
	case errors.As(err, &syntaxErr):
		return malformed(
			fmt.Sprintf("JSON 语法错误（第 %d 字节）：%s", syntaxErr.Offset, syntaxErr.Error()),
			fmt.Sprintf("JSON syntax error at byte %d: %s", syntaxErr.Offset, syntaxErr.Error()), "")
	case errors.As(err, &typeErr):
		want := jsonType(typeErr.Type)
		if typeErr.Field == "" {
			return malformed(fmt.Sprintf("请求内容应为 JSON %s，实际为 %s", want, typeErr.Value),
				fmt.Sprintf("the body must be a JSON %s, got %s", want, typeErr.Value), "")
		}
		return malformed(fmt.Sprintf("字段 %s 应为 JSON %s，实际为 %s", typeErr.Field, want, typeErr.Value),
			fmt.Sprintf("field %s must be a JSON %s, got %s", typeErr.Field, want, typeErr.Value), typeErr.Field)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return malformed(fmt.Sprintf("未知字段「%s」", name), fmt.Sprintf("unknown field %q", name), name)
	}
	if e, ok := apperr.As(err); ok {
		return e // a field's own decoder, such as stock.Quantity
	}
	return malformed("请求内容不是有效的 JSON:"+err.Error(), "the body is not valid JSON: "+err.Error(), "")
}

func malformed(zh, en, field string) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: "request.malformed_json", Field: field, ZH: zh, EN: en}
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return "value"
}
