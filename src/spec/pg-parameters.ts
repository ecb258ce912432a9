/**
 * PostgreSQL parameter names, to catch misspellings that Patroni would drop with only a warning.
 * Base list: `postgres --describe-config` of PostgreSQL 15 (Debian 12), and application_name, which it leaves out;
 * later versions' additions and removals below.
 */
const PG15 = `
application_name DateStyle IntervalStyle TimeZone archive_cleanup_command archive_command archive_library archive_mode
archive_timeout array_nulls authentication_timeout autovacuum autovacuum_analyze_scale_factor
autovacuum_analyze_threshold autovacuum_freeze_max_age autovacuum_max_workers
autovacuum_multixact_freeze_max_age autovacuum_naptime autovacuum_vacuum_cost_delay
autovacuum_vacuum_cost_limit autovacuum_vacuum_insert_scale_factor autovacuum_vacuum_insert_threshold
autovacuum_vacuum_scale_factor autovacuum_vacuum_threshold autovacuum_work_mem backend_flush_after
backslash_quote bgwriter_delay bgwriter_flush_after bgwriter_lru_maxpages bgwriter_lru_multiplier bonjour
bonjour_name bytea_output check_function_bodies checkpoint_completion_target checkpoint_flush_after
checkpoint_timeout checkpoint_warning client_connection_check_interval client_encoding client_min_messages
cluster_name commit_delay commit_siblings compute_query_id constraint_exclusion cpu_index_tuple_cost
cpu_operator_cost cpu_tuple_cost cursor_tuple_fraction data_directory data_sync_retry db_user_namespace
deadlock_timeout debug_pretty_print debug_print_parse debug_print_plan debug_print_rewritten
default_statistics_target default_table_access_method default_tablespace default_text_search_config
default_toast_compression default_transaction_deferrable default_transaction_isolation
default_transaction_read_only dynamic_library_path dynamic_shared_memory_type effective_cache_size
effective_io_concurrency enable_async_append enable_bitmapscan enable_gathermerge enable_hashagg
enable_hashjoin enable_incremental_sort enable_indexonlyscan enable_indexscan enable_material enable_memoize
enable_mergejoin enable_nestloop enable_parallel_append enable_parallel_hash enable_partition_pruning
enable_partitionwise_aggregate enable_partitionwise_join enable_seqscan enable_sort enable_tidscan
escape_string_warning event_source exit_on_error extension_destdir external_pid_file extra_float_digits
from_collapse_limit fsync full_page_writes geqo geqo_effort geqo_generations geqo_pool_size geqo_seed
geqo_selection_bias geqo_threshold gin_fuzzy_search_limit gin_pending_list_limit hash_mem_multiplier hba_file
hot_standby hot_standby_feedback huge_page_size huge_pages ident_file idle_in_transaction_session_timeout
idle_session_timeout jit jit_above_cost jit_inline_above_cost jit_optimize_above_cost jit_provider
join_collapse_limit krb_caseins_users krb_server_keyfile lc_messages lc_monetary lc_numeric lc_time
listen_addresses lo_compat_privileges local_preload_libraries lock_timeout log_autovacuum_min_duration
log_checkpoints log_connections log_destination log_directory log_disconnections log_duration
log_error_verbosity log_executor_stats log_file_mode log_filename log_hostname log_line_prefix log_lock_waits
log_min_duration_sample log_min_duration_statement log_min_error_statement log_min_messages
log_parameter_max_length log_parameter_max_length_on_error log_parser_stats log_planner_stats
log_recovery_conflict_waits log_replication_commands log_rotation_age log_rotation_size
log_startup_progress_interval log_statement log_statement_sample_rate log_statement_stats log_temp_files
log_timezone log_transaction_sample_rate log_truncate_on_rotation logging_collector logical_decoding_work_mem
maintenance_io_concurrency maintenance_work_mem max_connections max_files_per_process
max_locks_per_transaction max_logical_replication_workers max_parallel_maintenance_workers
max_parallel_workers max_parallel_workers_per_gather max_pred_locks_per_page max_pred_locks_per_relation
max_pred_locks_per_transaction max_prepared_transactions max_replication_slots max_slot_wal_keep_size
max_stack_depth max_standby_archive_delay max_standby_streaming_delay max_sync_workers_per_subscription
max_wal_senders max_wal_size max_worker_processes min_dynamic_shared_memory min_parallel_index_scan_size
min_parallel_table_scan_size min_wal_size old_snapshot_threshold output_plugin_libraries
parallel_leader_participation parallel_setup_cost parallel_tuple_cost password_encryption plan_cache_mode
port primary_conninfo primary_slot_name promote_trigger_file quote_all_identifiers random_page_cost
recovery_end_command recovery_init_sync_method recovery_min_apply_delay recovery_prefetch recovery_target
recovery_target_action recovery_target_inclusive recovery_target_lsn recovery_target_name
recovery_target_time recovery_target_timeline recovery_target_xid recursive_worktable_factor
restart_after_crash restore_command row_security search_path seq_page_cost session_preload_libraries
session_replication_role shared_buffers shared_memory_type shared_preload_libraries ssl ssl_ca_file
ssl_cert_file ssl_ciphers ssl_crl_dir ssl_crl_file ssl_dh_params_file ssl_ecdh_curve ssl_key_file
ssl_max_protocol_version ssl_min_protocol_version ssl_passphrase_command
ssl_passphrase_command_supports_reload ssl_prefer_server_ciphers standard_conforming_strings
statement_timeout stats_fetch_consistency superuser_reserved_connections synchronize_seqscans
synchronous_commit synchronous_standby_names syslog_facility syslog_ident syslog_sequence_numbers
syslog_split_messages tcp_keepalives_count tcp_keepalives_idle tcp_keepalives_interval tcp_user_timeout
temp_buffers temp_file_limit temp_tablespaces timezone_abbreviations track_activities
track_activity_query_size track_commit_timestamp track_counts track_functions track_io_timing
track_wal_io_timing transform_null_equals unix_socket_directories unix_socket_group unix_socket_permissions
update_process_title vacuum_cost_delay vacuum_cost_limit vacuum_cost_page_dirty vacuum_cost_page_hit
vacuum_cost_page_miss vacuum_defer_cleanup_age vacuum_failsafe_age vacuum_freeze_min_age
vacuum_freeze_table_age vacuum_multixact_failsafe_age vacuum_multixact_freeze_min_age
vacuum_multixact_freeze_table_age wal_buffers wal_compression wal_decode_buffer_size wal_init_zero
wal_keep_size wal_level wal_log_hints wal_receiver_create_temp_slot wal_receiver_status_interval
wal_receiver_timeout wal_recycle wal_retrieve_retry_interval wal_sender_timeout wal_skip_threshold
wal_sync_method wal_writer_delay wal_writer_flush_after work_mem xmlbinary xmloption`.split(/\s+/).filter(Boolean);

/** The newest PostgreSQL version whose parameters are listed; for later ones, unknown names are only warnings. */
export const PARAMETER_LIST_VERSION = 17;

const ADDED: Record<number, string[]> = {
  16: [
    'createrole_self_grant', 'debug_io_direct', 'debug_logical_replication_streaming', 'debug_parallel_query',
    'enable_presorted_aggregate', 'gss_accept_delegation', 'icu_validation_level',
    'max_parallel_apply_workers_per_subscription', 'reserved_connections', 'scram_iterations',
    'send_abort_for_crash', 'send_abort_for_kill', 'vacuum_buffer_usage_limit',
  ],
  // pg_settings of PostgreSQL 17.12 (Debian 13) against 16's list, settable parameters only
  17: [
    'allow_alter_system', 'commit_timestamp_buffers', 'enable_group_by_reordering', 'event_triggers', 'io_combine_limit',
    'max_notify_queue_pages', 'multixact_member_buffers', 'multixact_offset_buffers', 'notify_buffers',
    'file_extend_method', 'restrict_nonsystem_relation_kind', 'serializable_buffers', 'subtransaction_buffers', 'summarize_wal',
    'sync_replication_slots', 'synchronized_standby_slots', 'trace_connection_negotiation', 'transaction_buffers',
    'transaction_timeout', 'wal_summary_keep_time',
  ],
};
const REMOVED: Record<number, string[]> = {
  16: ['promote_trigger_file', 'vacuum_defer_cleanup_age'],
  17: ['db_user_namespace', 'old_snapshot_threshold'],
};

/** Parameters that Patroni sets itself from its own configuration; a value given here is overridden. */
export const PATRONI_MANAGED = new Set([
  'listen_addresses', 'port', 'data_directory', 'config_file', 'hba_file', 'ident_file',
  'cluster_name', 'primary_conninfo', 'primary_slot_name', 'recovery_target_timeline',
]);

/** Parameters pgha sets on every node for TLS with the cluster's certificates: changing them would turn TLS off or break it. */
export const PGHA_MANAGED = new Set(['ssl', 'ssl_cert_file', 'ssl_key_file', 'ssl_ca_file']);

/** Misspellings seen in the wild, with the parameter that was meant. */
const KNOWN_MISSPELLINGS: ReadonlyMap<string, string> = new Map([
  ['min_log_message', 'log_min_messages'],
  ['min_log_messages', 'log_min_messages'],
  ['log_min_message', 'log_min_messages'],
  ['log_min_error_statements', 'log_min_error_statement'],
  ['shared_buffer', 'shared_buffers'],
  ['shared_preload_library', 'shared_preload_libraries'],
  ['max_connection', 'max_connections'],
  ['wal_keep_segments', 'wal_keep_size'],
  ['checkpoint_segments', 'max_wal_size'],
]);

export function knownParameters(version: number): Set<string> {
  const names = new Set(PG15);
  for (let v = 16; v <= version; v++) {
    for (const n of ADDED[v] ?? []) names.add(n);
    for (const n of REMOVED[v] ?? []) names.delete(n);
  }
  return names;
}

function tokens(name: string): string {
  return name
    .split('_')
    .map((t) => t.replace(/s$/, ''))
    .sort()
    .join('_');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * What a parameter name that is not a known parameter was probably meant to be: a known misspelling,
 * the same words in another order or number, or a name within two edits. Undefined when nothing is close.
 */
export function suggestParameter(name: string, known: Set<string>): string | undefined {
  // a Map: a name such as __proto__ or constructor must not find Object's own members
  const mapped = KNOWN_MISSPELLINGS.get(name);
  if (mapped) return mapped;
  const t = tokens(name);
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of [...known].sort()) {
    if (tokens(k) === t) return k;
    const d = editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
