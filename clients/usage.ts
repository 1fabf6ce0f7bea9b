// What a frontend writes against the generated types: `tsc --noEmit` must accept it, so a
// document change that breaks a frontend (a renamed field, a lost status, an untyped enum)
// fails `make clients`. Never run; only type-checked.
import createClient from "openapi-fetch";
import type { components, paths } from "../build/clients/api";

type Schemas = components["schemas"];
type Lead = Schemas["Lead"];
type Inquiry = Schemas["Inquiry"];
type LeadStatus = Schemas["LeadStatus"];
type BatchState = Schemas["BatchState"];

const api = createClient<paths>({ baseUrl: "http://localhost:8080" });
const auth = { Authorization: "Bearer token" };

export async function inbox(): Promise<string[]> {
  const page = await api.GET("/leads", {
    headers: auth,
    params: { query: { status: "new", review: true, sort: "lastInquiry", q: "pat", limit: 25 } },
  });
  if (page.error) {
    const fields: Record<string, string> | undefined = page.error.error.details?.fields;
    return Object.keys(fields ?? {});
  }
  const next: string | null = page.data.nextCursor;
  const names = page.data.leads.map((l) => `${l.firstName ?? ""} ${l.lastName ?? ""}`);
  return next ? [...names, next] : names;
}

export async function badges(): Promise<number> {
  const { data } = await api.GET("/leads/counts", { headers: auth });
  const open = data?.byStatus.find((c) => c.status === "new")?.count ?? 0;
  return open + (data?.needsReview ?? 0);
}

export async function saveNotes(lead: Lead, notes: string): Promise<Lead | "stale"> {
  const { data, response } = await api.PATCH("/leads/{leadId}", {
    headers: auth,
    params: { path: { leadId: lead.id }, header: { "If-Match": lead.etag } },
    body: { notes, reviewed: false },
  });
  if (response.status === 412) return "stale";
  if (!data) throw new Error("not saved");
  return data;
}

export async function closeMany(ids: string[]): Promise<string[]> {
  const status: LeadStatus = "closed";
  const { data } = await api.PATCH("/leads", { headers: auth, body: { leadIds: ids, status } });
  return [...(data?.updated ?? []), ...(data?.notFound ?? [])];
}

export async function allInquiries(leadId: string): Promise<Inquiry[]> {
  const out: Inquiry[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await api.GET("/leads/{leadId}/inquiries", {
      headers: auth,
      params: { path: { leadId }, query: { limit: 100, cursor } },
    });
    if (!data) break;
    out.push(...data.inquiries);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  const when: string | null | undefined = out[0]?.inquiryAt;
  return when ? out : [];
}

export async function progress(): Promise<BatchState[]> {
  const queued = await api.POST("/gmail/process-batch", {
    headers: auth,
    body: { messageIds: ["18c2a4e5f0a1b2c3"] },
  });
  const batchId: string | undefined = queued.data?.batchId;
  const history = await api.GET("/processing/history", {
    headers: auth,
    params: { query: { active: true } },
  });
  const states = history.data?.batches.map((b) => b.status) ?? [];
  return batchId ? states : [];
}

export async function connected(): Promise<boolean> {
  const { data, error } = await api.GET("/gmail/status", { headers: auth });
  if (error?.error.code === "needs_reauth") return false;
  return data?.health === "ok" && data.reasons.length === 0;
}
