// Job routing state. A service worker can die at any time, so where each job's progress must go
// lives in session storage, not in memory.
export interface JobRoute {
  tabId: number | null;
  frameId: number;
  createdAt: number;
}

const key = (jobId: string) => `job:${jobId}`;

export const newJobId = () => `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export async function saveRoute(jobId: string, route: JobRoute): Promise<void> {
  await chrome.storage.session.set({ [key(jobId)]: route });
}

export async function getRoute(jobId: string): Promise<JobRoute | null> {
  const v = await chrome.storage.session.get(key(jobId));
  return (v[key(jobId)] as JobRoute | undefined) ?? null;
}

export async function dropRoute(jobId: string): Promise<void> {
  await chrome.storage.session.remove(key(jobId));
}
