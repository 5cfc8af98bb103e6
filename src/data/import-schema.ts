// The tables of moving in (migration 0020): import jobs and saved column mappings.
import type { ColumnType, Selectable } from 'kysely';

type Instant = ColumnType<Date, Date | string, Date | string>;
type DefaultInstant = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface ImportJobsTable {
  id: string;
  kind: 'register' | 'detentions';
  mode: 'dry-run' | 'commit';
  status: 'mapping' | 'queued' | 'running' | 'done' | 'failed';
  file_name: string;
  sha256: string;
  size_bytes: number;
  file_base64: string | null;
  mapping: Json<Record<string, string>>;
  created_by: string;
  organisation_id: string;
  created_at: DefaultInstant;
  finished_at: Instant | null;
  progress_done: ColumnType<number, number | undefined, number>;
  progress_total: ColumnType<number, number | undefined, number>;
  rows_total: number | null;
  rows_valid: number | null;
  rows_with_problems: number | null;
  created: number | null;
  updated: number | null;
  skipped: number | null;
  report: Json<unknown> | null;
  error: string | null;
  dry_run_id: string | null;
  /** The server process running the job (migration 0100), and when it last said it was still working. */
  owner: ColumnType<string | null, string | null | undefined, string | null>;
  heartbeat_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ImportMappingsTable {
  id: string;
  organisation_id: string;
  kind: 'register' | 'detentions';
  name: string;
  mapping: Json<Record<string, string>>;
  saved_by: string;
  saved_at: DefaultInstant;
}

/** 0127: a value a batch committed chunk by chunk replaced, restored by its undo (reverse seq order). */
export interface ImportUndoTable {
  seq: ColumnType<number, never, never>;
  batch_id: string;
  table_name: 'people' | 'admissions' | 'legal_statuses' | 'services' | 'person_allocations';
  row_id: string;
  person_id: string;
  previous: Json<Record<string, unknown>>;
}

export type ImportJobRow = Selectable<ImportJobsTable>;
export type ImportMappingRow = Selectable<ImportMappingsTable>;
