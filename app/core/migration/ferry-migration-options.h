/* ferry-migration-options.h — how one migration is to be done
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_MIGRATION_STORAGE_SHARED,       /* disks stay where they are */
  FERRY_MIGRATION_STORAGE_COPY_ALL,     /* copy every non-shared disk */
  FERRY_MIGRATION_STORAGE_COPY_INC,     /* copy only what differs from a backing image */
} FerryMigrationStorage;

typedef enum
{
  FERRY_MIGRATION_PRESET_DEFAULT,       /* plain pre-copy, libvirt's defaults */
  FERRY_MIGRATION_PRESET_FAST,          /* idle VM / fast network: parallel connections */
  FERRY_MIGRATION_PRESET_BUSY,          /* a VM that dirties memory: post-copy, auto-converge */
  FERRY_MIGRATION_PRESET_CUSTOM,
} FerryMigrationPreset;

#define FERRY_TYPE_MIGRATION_OPTIONS (ferry_migration_options_get_type ())

typedef struct
{
  gboolean              live;                  /* FALSE: offline (a shut-off VM) */
  FerryMigrationStorage storage;
  guint64               bandwidth_mib;         /* MiB/s, 0 = unlimited */
  guint                 max_downtime_ms;       /* 0 = libvirt's default (300 ms) */
  gboolean              auto_converge;
  gboolean              postcopy;              /* allow switching to post-copy */
  gboolean              postcopy_after_precopy; /* ... by itself after the first pass */
  guint                 parallel_connections;  /* 0 or 1: one; >= 2: multifd */
  gboolean              compress;              /* XBZRLE page compression */
  gboolean              persistent;            /* define on destination, undefine on source */
  gboolean              peer_to_peer;          /* the source's libvirtd drives it */
  gboolean              tunnelled;             /* data through libvirtd (needs peer_to_peer) */
} FerryMigrationOptions;

GType                  ferry_migration_options_get_type    (void) G_GNUC_CONST;
FerryMigrationOptions *ferry_migration_options_new         (FerryMigrationPreset         preset);
FerryMigrationOptions *ferry_migration_options_copy        (const FerryMigrationOptions *self);
void                   ferry_migration_options_free        (FerryMigrationOptions       *self);
/* Overwrites the tunables (not live/storage) with @preset's. */
void                   ferry_migration_options_apply_preset (FerryMigrationOptions      *self,
                                                            FerryMigrationPreset         preset);
/* The preset these options equal, or CUSTOM. */
FerryMigrationPreset   ferry_migration_options_get_preset  (const FerryMigrationOptions *self);
/* Checks combinations libvirt would refuse (tunnelled without peer-to-peer,
 * post-copy of a shut-off VM, ...), with a message for the user. */
gboolean               ferry_migration_options_validate    (const FerryMigrationOptions *self,
                                                            GError                     **error);
/* One line for the task log: "live, 50 MiB/s, auto-converge". */
char                  *ferry_migration_options_describe    (const FerryMigrationOptions *self);
const char            *ferry_migration_preset_to_string    (FerryMigrationPreset         preset);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryMigrationOptions, ferry_migration_options_free)

G_END_DECLS
