// Where a person follows a task: its page under the App's public URL (history, live transcript).
export function liveTaskUrl(publicUrl: string, taskId: number): string {
  return `${publicUrl}/tasks/${taskId}`;
}
