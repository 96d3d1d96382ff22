package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/socfeed/socfeed/rules"
)

// LLM is an OpenAI-compatible chat-completions endpoint that rewrites composed text into
// smoother prose. It is off unless configured; the facts stay those of the analysis, and
// the result stays marked as generated.
type LLM struct {
	// URL is the endpoint's base URL (".../v1") or its full chat-completions URL.
	URL string
	// Key is sent as a bearer token when not empty.
	Key string
	// Model is the model name sent with each request.
	Model string
	// Client is the HTTP client; nil means one with a 60 s timeout.
	Client *http.Client
}

// endpoint returns the chat-completions URL.
func (l *LLM) endpoint() string {
	u := strings.TrimSuffix(l.URL, "/")
	if strings.HasSuffix(u, "/chat/completions") {
		return u
	}
	return u + "/chat/completions"
}

// Rewrite asks the model to rewrite the hypothesis and the false-positive guidance of a
// rule, giving it the analysis as the only facts. On success the texts are replaced and
// GeneratedBy names the template and the model; on failure enr is unchanged.
func (l *LLM) Rewrite(ctx context.Context, r *rules.Rule, a *Analysis, enr *Enrichment) error {
	facts, err := json.Marshal(a)
	if err != nil {
		return err
	}
	hyp, err := l.complete(ctx, "Rewrite this hunt hypothesis for a SOC analyst in two or three sentences. Use only the facts given; keep technique ids, table names and criteria exact.",
		fmt.Sprintf("Rule: %s\nFacts: %s\nDraft: %s", r.Name, facts, enr.Hypothesis.Text))
	if err != nil {
		return err
	}
	fp, err := l.complete(ctx, "Rewrite this false-positive guidance for a SOC analyst in two or three sentences. Use only the facts given; keep criteria exact.",
		fmt.Sprintf("Rule: %s\nFacts: %s\nDraft: %s", r.Name, facts, enr.FalsePositives.Text))
	if err != nil {
		return err
	}
	by := TemplateVersion + ", rewritten by " + l.modelName()
	enr.Hypothesis = Narrative{Text: hyp, Generated: true, GeneratedBy: by}
	enr.FalsePositives = Narrative{Text: fp, Generated: true, GeneratedBy: by}
	return nil
}

func (l *LLM) modelName() string {
	if l.Model == "" {
		return "an LLM"
	}
	return l.Model
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// complete sends one chat completion and returns the first choice's text.
func (l *LLM) complete(ctx context.Context, system, user string) (string, error) {
	body, err := json.Marshal(map[string]any{
		"model":       l.Model,
		"temperature": 0.2,
		"messages":    []chatMessage{{Role: "system", Content: system}, {Role: "user", Content: user}},
	})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint(), bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if l.Key != "" {
		req.Header.Set("Authorization", "Bearer "+l.Key)
	}
	client := l.Client
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("llm: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("llm: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("llm: %s: %s", resp.Status, strings.TrimSpace(string(limitBytes(data, 200))))
	}
	var out struct {
		Choices []struct {
			Message chatMessage `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return "", fmt.Errorf("llm: bad response: %v", err)
	}
	if len(out.Choices) == 0 || strings.TrimSpace(out.Choices[0].Message.Content) == "" {
		return "", fmt.Errorf("llm: response has no text")
	}
	return strings.TrimSpace(out.Choices[0].Message.Content), nil
}

func limitBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
