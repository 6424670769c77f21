// Delivery records, and their REST shapes for `GET /app/hook/deliveries[/{id}]`.
export type DeliveryRecord = {
  id: number;
  guid: string;
  appId: number;
  hookId: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  deliveredAt: string;
  redelivery: boolean;
  durationSeconds: number;
  status: string;
  statusCode: number;
  url: string;
  request: { headers: Record<string, string>; payload: Record<string, unknown>; body: string };
  response: { headers: Record<string, string>; payload: string | null };
};

export function deliveryItemJson(record: DeliveryRecord) {
  return {
    id: record.id,
    guid: record.guid,
    delivered_at: record.deliveredAt,
    redelivery: record.redelivery,
    duration: record.durationSeconds,
    status: record.status,
    status_code: record.statusCode,
    event: record.event,
    action: record.action,
    installation_id: record.installationId,
    repository_id: record.repositoryId,
    throttled_at: null,
  };
}

export function deliveryJson(record: DeliveryRecord) {
  return {
    ...deliveryItemJson(record),
    url: record.url,
    request: { headers: record.request.headers, payload: record.request.payload },
    response: { headers: record.response.headers, payload: record.response.payload },
  };
}
