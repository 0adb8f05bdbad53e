/* ferry-console-target.h — how to reach a VM's VNC display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-vm.h"

G_BEGIN_DECLS

#define FERRY_CONSOLE_ERROR (ferry_console_error_quark ())

typedef enum
{
  FERRY_CONSOLE_ERROR_FAILED,
  FERRY_CONSOLE_ERROR_NOT_RUNNING,   /* the VM is shut off */
  FERRY_CONSOLE_ERROR_NO_VNC,        /* it has no VNC display (or no port yet) */
  FERRY_CONSOLE_ERROR_UNREACHABLE,   /* VNC only on the host's loopback, no ssh */
  FERRY_CONSOLE_ERROR_UNSUPPORTED,   /* a transport that cannot carry a console */
  FERRY_CONSOLE_ERROR_CONNECT,       /* the TCP connection failed */
  FERRY_CONSOLE_ERROR_SSH,           /* the ssh tunnel failed */
} FerryConsoleError;

typedef enum
{
  FERRY_CONSOLE_TRANSPORT_FD,        /* virDomainOpenGraphicsFD (local UNIX socket) */
  FERRY_CONSOLE_TRANSPORT_TCP,       /* straight to the VNC port */
  FERRY_CONSOLE_TRANSPORT_SSH,       /* ssh -W, through the node's ssh server */
} FerryConsoleTransport;

GQuark      ferry_console_error_quark          (void);
const char *ferry_console_transport_to_string  (FerryConsoleTransport transport);

/* Resolves how to reach @vm's VNC console and opens it: returns a connected
 * stream socket (blocking, close-on-exec, owned by the caller) on which the
 * VNC server speaks first, the VNC password or NULL, and the transport it
 * used. For ssh the tunnel lives as long as the fd: closing it ends the ssh
 * process. */
void        ferry_vm_open_console_async        (FerryVm                *vm,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
int         ferry_vm_open_console_finish       (FerryVm                *vm,
                                                GAsyncResult           *result,
                                                char                  **password,
                                                FerryConsoleTransport  *transport,
                                                GError                **error);

G_END_DECLS
