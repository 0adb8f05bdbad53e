/* ferry-core-all.h — the core's public headers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-askpass-server.h"
#include "ferry-config.h"
#include "ferry-console-target.h"
#include "ferry-core.h"
#include "ferry-credentials.h"
#include "ferry-enums.h"
#include "ferry-host-resources.h"
#include "ferry-inventory.h"
#include "ferry-libvirt.h"
#include "ferry-maintenance.h"
#include "ferry-metrics.h"
#include "ferry-migration.h"
#include "ferry-migration-forecast.h"
#include "ferry-migration-options.h"
#include "ferry-migration-queue.h"
#include "ferry-node.h"
#include "ferry-placement.h"
#include "ferry-preflight.h"
#include "ferry-stats-math.h"
#include "ferry-stats-sampler.h"
#include "ferry-stats-series.h"
#include "ferry-task.h"
#include "ferry-task-log.h"
#include "ferry-uri.h"
#include "ferry-vm.h"
#include "ferry-vm-details.h"
#include "ferry-vm-edit.h"
#include "ferry-vm-spec.h"
