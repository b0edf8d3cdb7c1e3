package web

// FormatNumber lets the page tests write numbers as the pages do.
var FormatNumber = formatNumber
