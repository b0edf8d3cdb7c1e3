package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// StatusClientClosed is the status recorded (nothing reaches the client)
// when the client went away before the answer: nginx's 499.
const StatusClientClosed = 499

// ErrDatabaseDown is the cause a request's context is cancelled with when
// the database stops answering: the request then fails at once, wherever
// it is, with db.unavailable, instead of waiting for its deadline.
var ErrDatabaseDown = errors.New("the database does not answer")

// ErrTimeout is the cause a request's context ends with when the request
// runs out of its deadline.
var ErrTimeout = errors.New("request deadline exceeded")

// Failure is how a surface answers an error: the status and the error the
// person or system is shown, in both languages.
type Failure struct {
	Status int
	Err    *apperr.Error
}

// Explain turns err, met while serving r, into the answer, and logs it
// once to logger at the level it deserves:
//   - an apperr.Error keeps its code and messages, with the status of its
//     kind, and is not logged (it is the client's to fix);
//   - a database that does not answer or refuses the connection (the error
//     says so, or the request was cancelled with ErrDatabaseDown), and a
//     request that ran out of its deadline, give 503 with a clear message,
//     logged as a warning;
//   - a client that went away (its request context cancelled) is logged at
//     Info, not as an error of the server, and gets 499;
//   - anything else is the server's fault: logged as an error with its
//     details, and answered with a generic 500 that shows none of them.
func Explain(logger *slog.Logger, r *http.Request, err error) Failure {
	ctx := r.Context()
	if e, ok := apperr.As(err); ok && e.Kind.HTTPStatus() != 0 {
		return Failure{e.Kind.HTTPStatus(), e}
	}
	attrs := []any{"method", r.Method, "path", r.URL.Path, "error", err}
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, ErrDatabaseDown):
		logger.WarnContext(ctx, "database unavailable", attrs...)
		return Failure{http.StatusServiceUnavailable, DatabaseUnavailable()}
	case errors.Is(cause, ErrTimeout) || errors.Is(err, context.DeadlineExceeded):
		logger.WarnContext(ctx, "request ran out of time", attrs...)
		return Failure{http.StatusServiceUnavailable, Timeout()}
	case errors.Is(ctx.Err(), context.Canceled):
		logger.InfoContext(ctx, "request abandoned by the client", attrs...)
		return Failure{StatusClientClosed, &apperr.Error{Kind: apperr.Unavailable, Code: "request.abandoned",
			ZH: "客户端已断开", EN: "the client went away"}}
	case store.Unavailable(err):
		logger.WarnContext(ctx, "database unavailable", attrs...)
		return Failure{http.StatusServiceUnavailable, DatabaseUnavailable()}
	}
	logger.ErrorContext(ctx, "internal error", attrs...)
	return Failure{http.StatusInternalServerError, &apperr.Error{Code: "internal",
		ZH: "服务器内部错误，请稍后重试；如持续出现，请联系系统管理员",
		EN: "internal server error; try again later, and tell the administrator if it persists"}}
}

// DatabaseUnavailable is the error shown when the database does not answer
// or refuses connections (db.unavailable, 503).
func DatabaseUnavailable() *apperr.Error {
	return &apperr.Error{Kind: apperr.Unavailable, Code: "db.unavailable",
		ZH: "数据库暂时无法访问（无响应或拒绝连接），请稍后重试；如持续出现，请联系系统管理员",
		EN: "the database is not answering or refuses connections; try again shortly, and tell the administrator if it persists"}
}

// Timeout is the error shown when a request ran out of its deadline
// (request.timeout, 503).
func Timeout() *apperr.Error {
	return &apperr.Error{Kind: apperr.Unavailable, Code: "request.timeout",
		ZH: "请求处理超时，请稍后重试", EN: "the request took too long; try again shortly"}
}
