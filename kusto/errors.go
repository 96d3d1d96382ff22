package kusto

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/socfeed/socfeed/kql/exec"
	"github.com/socfeed/socfeed/kql/syntax"
)

// QueryError is a query or command the handler could not accept, at a position of its
// text: a syntax error (Syntax true) or a semantic one (an unknown column, a type error).
type QueryError struct {
	Syntax bool
	Pos    syntax.Pos // byte offset in the query text; -1 when unknown
	Msg    string
	// More holds the further errors of the same query, if any, in position order.
	More []*QueryError
}

func (e *QueryError) Error() string { return e.Msg }

// serviceError is an error as the service reports it: the HTTP status and the OneApi error
// object of the response body (and of a v2 DataSetCompletion frame).
type serviceError struct {
	status    int
	code      string // General_BadRequest, LimitsExceeded, ...
	message   string // the short "message"
	typ       string // "@type", a Kusto.Data exception name
	detail    string // "@message"
	permanent bool
	extra     map[string]any // further "@..." members (@line, @pos, @text, @database)
}

// Kusto's short messages.
const (
	msgBadRequest = "Request is invalid and cannot be executed."
	msgInternal   = "Internal service error"
)

// classify maps an error from the engine, the request or the handler to what the service
// would report. It is the one place that decides HTTP status and error kind.
func classify(err error, csl, db string) *serviceError {
	var (
		qe  *QueryError
		le  *exec.LimitError
		ce  *exec.CanceledError
		re  *exec.RuntimeError
		ie  *exec.InternalError
		eqe *exec.QueryError
		re2 *requestError
		ae  *authError
		de  *dbError
	)
	switch {
	case errors.As(err, &ae):
		return &serviceError{status: http.StatusUnauthorized, code: "Unauthorized", message: ae.msg,
			typ: "Kusto.Data.Exceptions.KustoRequestDeniedException", detail: ae.msg, permanent: true}
	case errors.As(err, &re2):
		return &serviceError{status: http.StatusBadRequest, code: "General_BadRequest", message: msgBadRequest,
			typ: "Kusto.Data.Exceptions.KustoBadRequestException", detail: re2.msg, permanent: true}
	case errors.As(err, &de):
		return &serviceError{status: http.StatusBadRequest, code: "BadRequest_EntityNotFound", message: msgBadRequest,
			typ:    "Kusto.Data.Exceptions.EntityNotFoundException",
			detail: fmt.Sprintf("Entity ID '%s' of kind 'Database' was not found.", de.name), permanent: true}
	case errors.As(err, &qe):
		se := &serviceError{status: http.StatusBadRequest, code: "General_BadRequest", message: msgBadRequest,
			permanent: true, extra: map[string]any{"@text": csl, "@database": db, "@errorMessage": qe.Msg}}
		kind, typ := "Semantic error", "Kusto.Data.Exceptions.SemanticException"
		if qe.Syntax {
			kind, typ = "Syntax error", "Kusto.Data.Exceptions.SyntaxException"
		}
		se.typ = typ
		if qe.Pos >= 0 {
			line, col := syntax.LineCol(csl, qe.Pos)
			se.extra["@line"] = strconv.Itoa(line)
			se.extra["@pos"] = strconv.Itoa(col)
			se.detail = fmt.Sprintf("%s: %s [line:position=%d:%d]", kind, qe.Msg, line, col)
		} else {
			se.detail = kind + ": " + qe.Msg
		}
		for _, m := range qe.More {
			if m.Pos >= 0 {
				line, col := syntax.LineCol(csl, m.Pos)
				se.detail += fmt.Sprintf("\n%s [line:position=%d:%d]", m.Msg, line, col)
			} else {
				se.detail += "\n" + m.Msg
			}
		}
		return se
	case errors.As(err, &eqe):
		return &serviceError{status: http.StatusBadRequest, code: "General_BadRequest", message: msgBadRequest,
			typ: "Kusto.Data.Exceptions.SemanticException", detail: "Semantic error: " + eqe.Error(), permanent: true}
	case errors.As(err, &le):
		return &serviceError{status: http.StatusBadRequest, code: "LimitsExceeded", message: msgBadRequest,
			typ:    "Kusto.Data.Exceptions.KustoServiceLimitsExceededException",
			detail: "Query execution has exceeded the allowed limits (80DA0001): " + le.Error(), permanent: true}
	case errors.As(err, &ce):
		if errors.Is(ce.Cause, context.DeadlineExceeded) {
			return &serviceError{status: http.StatusGatewayTimeout, code: "RequestExecutionTimeout", message: "Request execution timed out",
				typ: "Kusto.Data.Exceptions.KustoRequestTimeoutException", detail: "Query execution has exceeded the allowed limits (80DA0001): the query timed out", permanent: false}
		}
		return &serviceError{status: 499, code: "Cancelled", message: "Request was cancelled",
			typ: "Kusto.Data.Exceptions.KustoRequestCanceledException", detail: "query canceled", permanent: false}
	case errors.As(err, &re):
		return &serviceError{status: http.StatusBadRequest, code: "General_BadRequest", message: msgBadRequest,
			typ: "Kusto.Data.Exceptions.KustoServiceRuntimeException", detail: re.Error(), permanent: true}
	case errors.As(err, &ie):
		return &serviceError{status: http.StatusInternalServerError, code: "Internal_Error", message: msgInternal,
			typ: "Kusto.Data.Exceptions.KustoServiceException", detail: ie.Error(), permanent: false}
	}
	return &serviceError{status: http.StatusInternalServerError, code: "Internal_Error", message: msgInternal,
		typ: "Kusto.Data.Exceptions.KustoServiceException", detail: err.Error(), permanent: false}
}

// requestError is a malformed request: bad JSON, a missing csl, a bad property value.
type requestError struct{ msg string }

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{msg: fmt.Sprintf(format, args...)}
}

// authError is a request without the right credentials.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

// dbError names a database the handler does not serve.
type dbError struct{ name string }

func (e *dbError) Error() string { return fmt.Sprintf("database '%s' was not found", e.name) }

// oneAPIError builds the OneApi error object of se ({"error": {...}}).
func (se *serviceError) oneAPIError(rc *requestContext) map[string]any {
	e := map[string]any{
		"code":       se.code,
		"message":    se.message,
		"@type":      se.typ,
		"@message":   se.detail,
		"@context":   rc.errorContext(),
		"@permanent": se.permanent,
	}
	for k, v := range se.extra {
		e[k] = v
	}
	return map[string]any{"error": e}
}

// requestContext identifies one request in responses and error contexts.
type requestContext struct {
	clientRequestID string
	activityID      string
	start           time.Time
}

func (rc *requestContext) errorContext() map[string]any {
	host, _ := os.Hostname()
	return map[string]any{
		"timestamp":        rc.start.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		"serviceAlias":     "SOCFEED",
		"machineName":      host,
		"processName":      "socfeed",
		"processId":        os.Getpid(),
		"threadId":         0,
		"clientRequestId":  rc.clientRequestID,
		"activityId":       rc.activityID,
		"subActivityId":    rc.activityID,
		"activityType":     "GW.Http.CallContext",
		"parentActivityId": rc.activityID,
		"activityStack":    fmt.Sprintf("(Activity stack: CRID=%s ARID=%s > GW.Http.CallContext/%s)", rc.clientRequestID, rc.activityID, rc.activityID),
	}
}
