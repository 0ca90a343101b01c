package conformance_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

var _ = Describe("notifications", Label("contract"), func() {
	It("delivers notification to its user, workspace or role, and system:notification to its tenant, nowhere else", clause("notify.notification"), func(ctx SpecContext) {
		w := NewWorld()
		ctl := requireControl(w)
		ns := appNS()
		adminNS := nsOf(spec.Notification, "admin")
		u1, u2, admin := w.User("agent"), w.User("agent"), w.User("admin")
		c1, c2, ca := connect(ctx, w, u1, ns), connect(ctx, w, u2, ns), connect(ctx, w, admin, adminNS)
		sib := w.Sibling()
		cs := connect(ctx, sib, sib.User("agent"), ns)
		// Another tenant with a user, a workspace and an admin of the same names: the
		// rooms user:{id}, workspace:{id} and role:admin exist there too.
		f := w.Foreign()
		twin := User{ID: u1.ID, Role: "agent", Tenant: f.Tenant, Workspace: w.Workspace}
		fadmin := User{ID: f.User("admin").ID, Role: "admin", Tenant: f.Tenant, Workspace: w.Workspace}
		cf, cfa := connect(ctx, f, twin, ns), connect(ctx, f, fadmin, adminNS)
		notify := func(target map[string]any) string {
			GinkgoHelper()
			body := map[string]any{"tenantId": w.Tenant, "type": "info", "title": "conformance", "message": "hola"}
			for k, v := range target {
				body[k] = v
			}
			out, err := ctl.JSON(ctx, spec.OpNotify, body)
			ok(err, "notify %v", target)
			id, _ := out["id"].(string)
			Expect(id).NotTo(BeEmpty(), "notify answered no id: %v", out)
			return id
		}
		toUser := notify(map[string]any{"userId": u1.ID})
		toWorkspace := notify(map[string]any{"workspaceId": w.Workspace})
		toRole := notify(map[string]any{"role": "admin"})
		_, err := ctl.JSON(ctx, spec.OpNotifySystem, map[string]any{"tenantId": w.Tenant, "type": "maintenance", "message": "mantenimiento " + w.Tenant})
		ok(err, "notifySystem")
		// Barrier: a last system notice to each tenant; each socket got what it was
		// sent before that.
		for _, t := range []string{w.Tenant, f.Tenant} {
			_, err := ctl.JSON(ctx, spec.OpNotifySystem, map[string]any{"tenantId": t, "type": "update", "message": "fin " + t})
			ok(err, "notifySystem")
		}
		for _, c := range []*Client{c1, c2, ca, cs} {
			waitFor(ctx, c, spec.SystemNotification, "the tenant's system notice", field("message", "fin "+w.Tenant))
			waitFor(ctx, c, spec.SystemNotification, "the tenant's first system notice", field("message", "mantenimiento "+w.Tenant))
		}
		for _, c := range []*Client{cf, cfa} {
			waitFor(ctx, c, spec.SystemNotification, "the other tenant's system notice", field("message", "fin "+f.Tenant))
		}
		got := func(c *Client, id string) bool { return c.Count(spec.Notification, field("id", id)) == 1 }
		Expect(got(c1, toUser)).To(BeTrue(), "the user's notification")
		Expect(got(c2, toUser)).To(BeFalse(), "another user got a user's notification")
		Expect(got(c1, toWorkspace) && got(c2, toWorkspace) && got(ca, toWorkspace)).To(BeTrue(), "the workspace notification")
		Expect(got(cs, toWorkspace)).To(BeFalse(), "another workspace got the workspace notification")
		Expect(got(ca, toRole)).To(BeTrue(), "the role's notification")
		Expect(got(c1, toRole) || got(c2, toRole)).To(BeFalse(), "agents got the admins' notification")
		for _, c := range []*Client{cf, cfa} {
			Expect(c.Events(spec.Notification)).To(BeEmpty(), "another tenant received a notification")
			Expect(c.Count(spec.SystemNotification, field("message", "mantenimiento "+w.Tenant))).To(BeZero(), "another tenant received a system notice")
		}
	})
})

var _ = Describe("media", Label("contract"), func() {
	It("reports upload progress to the uploader and media:uploaded to the conversation", clause("media.upload"), func(ctx SpecContext) {
		w := NewWorld()
		ctl := requireControl(w)
		r := newRoom(ctx, w)
		tok, err := w.Token(ctx, r.a.User, time.Hour)
		ok(err, "token")
		data := bytes.Repeat([]byte("conformance media "), 20_000)
		msgID := UniqueID("m")
		resp, err := ctl.Upload(ctx, tok, r.conv, msgID, "photo.png", "image/png", data)
		ok(err, "uploadMedia")
		Expect(resp.Status).To(Equal(http.StatusCreated))
		ok(CheckResponse(spec.OpUploadMedia, url.Values{"conversationId": {r.conv}, "messageId": {msgID}, "fileName": {"photo.png"}}.Encode(), resp), "the upload answer")
		id, _ := resp.JSON["id"].(string)
		Expect(resp.JSON).To(HaveKeyWithValue("sizeBytes", BeNumerically("==", len(data))))
		up := waitFor(ctx, r.b, spec.MediaUploaded, "media:uploaded", field("id", id))
		Expect(up.Object()).To(And(HaveKeyWithValue("conversationId", r.conv), HaveKeyWithValue("messageId", msgID)))
		waitFor(ctx, r.a, spec.MediaUploadProgress, "media:upload:progress 100", func(e Event) bool {
			return e.Field("messageId") == msgID && e.Object()["progress"] == 100.0
		})
		mid := r.a.Count(spec.MediaUploadProgress, func(e Event) bool {
			p, _ := e.Object()["progress"].(float64)
			return e.Field("messageId") == msgID && p > 0 && p < 100
		})
		Expect(mid).To(BeNumerically(">=", 1), "no media:upload:progress strictly between 0 and 100")
		Expect(r.b.Count(spec.MediaUploadProgress, nil)).To(BeZero(), "another user got the uploader's progress")
		// The media can be fetched back from the url it was given.
		u, _ := resp.JSON["url"].(string)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		ok(err, "media url %q", u)
		got, err := w.T.HTTPClient().Do(req)
		ok(err, "GET %s", u)
		defer got.Body.Close()
		body, _ := io.ReadAll(got.Body)
		Expect(got.StatusCode).To(Equal(http.StatusOK))
		Expect(bytes.Equal(body, data)).To(BeTrue(), "GET %s returned %d bytes, not the %d uploaded", u, len(body), len(data))
	})
})

var _ = Describe("health", Label("contract"), func() {
	It("answers GET /health/socket with status, timestamp, metrics and redis, as the control document says", clause("health.endpoint"), func(ctx SpecContext) {
		w := NewWorld()
		for i := range w.T.Instances {
			resp, err := w.Observer(i).Health(ctx)
			ok(err, "getHealth on instance %d", i)
			ok(CheckResponse(spec.OpGetHealth, "", resp), "instance %d", i)
			Expect(resp.JSON).To(HaveKeyWithValue("status", "healthy"), "instance %d is not healthy", i)
		}
	})
})

var _ = Describe("metrics", Label("contract"), func() {
	It("sends admins metrics:snapshot at its interval, valid against the contract", clause(spec.PayloadClause(spec.MetricsSnapshot)), func(ctx SpecContext) {
		w := NewWorld()
		e := ev(spec.MetricsSnapshot)
		admin := connect(ctx, w, w.User("admin"), nsOf(spec.MetricsSnapshot, "admin"))
		got := waitFor(ctx, admin, spec.MetricsSnapshot, "metrics:snapshot", nil)
		Expect(e.Validate(got.Data)).To(Succeed(), "metrics:snapshot payload")
	})
})
