/* ferry-guestd: tiny static helper inside the Ferry test guest (busybox initramfs).
 *
 * - Watches every /dev/input/event* device (the kernel's ACPI "Power Button"
 *   from button.ko, the AT keyboard, ...; evdev.ko provides the nodes).
 * - KEY_POWER pressed (what QEMU's ACPI power button, i.e. `virsh shutdown`
 *   and `virsh reboot`, produces) -> prints "FERRY-ACPI power-button" on
 *   /dev/ttyS0, syncs and powers the guest off at once. libvirt turns that
 *   power-off into a reset for `virsh reboot` (its "fake reboot").
 * - Any other key press -> prints "FERRY-KEYCODE <linux keycode>" on
 *   /dev/ttyS0 (one line per key press, no Enter needed; for VNC typing tests).
 *
 * Build: gcc -static -Os -o ferry-guestd ferry-guestd.c
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <unistd.h>

#define MAXDEV 32

static struct pollfd fds[MAXDEV];
static char names[MAXDEV][288];
static int ndev;

static void serial(const char *fmt, const char *s, int n)
{
    char buf[160];
    int fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
    if (fd < 0)
        return;
    int len = s ? snprintf(buf, sizeof buf, fmt, s) : snprintf(buf, sizeof buf, fmt, n);
    if (len > 0)
        (void) !write(fd, buf, (size_t) len);
    close(fd);
}

static int known(const char *path)
{
    for (int i = 0; i < ndev; i++)
        if (strcmp(names[i], path) == 0)
            return 1;
    return 0;
}

static void scan(void)
{
    DIR *d = opendir("/dev/input");
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) && ndev < MAXDEV) {
        char path[288];
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
        if (known(path))
            continue;
        int fd = open(path, O_RDONLY | O_NONBLOCK);
        if (fd < 0)
            continue;
        char devname[80] = "?";
        ioctl(fd, EVIOCGNAME(sizeof devname - 1), devname);
        serial("FERRY-INPUT %s\n", devname, 0);
        fds[ndev].fd = fd;
        fds[ndev].events = POLLIN;
        snprintf(names[ndev], sizeof names[ndev], "%s", path);
        ndev++;
    }
    closedir(d);
}

int main(void)
{
    scan();
    for (;;) {
        int r = poll(fds, (nfds_t) ndev, 5000);
        if (r == 0) {          /* idle: pick up late devices */
            scan();
            continue;
        }
        for (int i = 0; i < ndev; i++) {
            if (!(fds[i].revents & POLLIN))
                continue;
            struct input_event ev[16];
            ssize_t n = read(fds[i].fd, ev, sizeof ev);
            for (ssize_t k = 0; n > 0 && k < n / (ssize_t) sizeof ev[0]; k++) {
                if (ev[k].type != EV_KEY || ev[k].value != 1)
                    continue;
                if (ev[k].code == KEY_POWER) {
                    serial("FERRY-ACPI %s\n", "power-button", 0);
                    sync();
                    reboot(RB_POWER_OFF);
                } else {
                    serial("FERRY-KEYCODE %d\n", NULL, ev[k].code);
                }
            }
        }
    }
}
