// Driving videos a person chose as motion (a file, a webcam recording, a video from a page). The
// side panel writes files and recordings here and sends only the id; the offscreen document reads
// the bytes from here (videos never travel inside messages). Kept so "Animate again" works.
import type { DriverKind, DriverRef } from '../motion/catalog';
import { request, tx } from './db';

/** Largest driving video accepted (bytes). Only the first 20 s are used. */
export const MAX_DRIVER_BYTES = 500 * 1024 * 1024;

export interface DriverRecord {
  id: string;
  createdAt: number;
  title: string;
  kind: DriverKind;
  /** MIME type as given (file type, recorder type or the response's content type). */
  type: string;
  video: Blob;
  /** Where a page video came from. */
  sourceUrl?: string;
  pageUrl?: string;
}

export function newDriverId(): string {
  return `driver-${Date.now().toString(36)}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
}

export const driverRef = (d: Pick<DriverRecord, 'id' | 'title' | 'kind'>): DriverRef => ({ id: d.id, title: d.title.slice(0, 200), kind: d.kind });

export const putDriver = (d: DriverRecord) => tx('drivers', 'readwrite', (s) => s.put(d));

export const getDriver = (id: string) => tx<DriverRecord | undefined>('drivers', 'readonly', (s) => s.get(id));

export const deleteDriver = (id: string) => tx('drivers', 'readwrite', (s) => s.delete(id));

/** Newest first. */
export async function listDrivers(): Promise<DriverRecord[]> {
  const all = await tx<DriverRecord[]>('drivers', 'readonly', (s) => request(s.getAll()) as Promise<DriverRecord[]>);
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

/** Session-storage key through which the background tells the panel about a page video chosen as motion. */
export const DRIVER_REQUEST_KEY = 'driverRequest';
export interface DriverRequest {
  at: number;
  driverId?: string;
  error?: string;
}
