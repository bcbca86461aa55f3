// wspump: the display → browser half of the console bridge, zero-copy (Linux).
//
// The console bridge (src/server/console/tcp-bridge.ts) moves a display's bytes (VNC, SPICE) to the browser as
// WebSocket binary frames. In JavaScript every byte is copied twice in this process (kernel → Buffer on read,
// Buffer → kernel on write) and every 64 KiB costs a JS callback. Here one native thread moves them with
// splice(2): the TCP socket's pages go into a pipe and from the pipe into the browser's socket without being
// copied into user space, behind a 2–10 byte frame header written with MSG_MORE (one segment with the body).
//
// Only the bulk direction lives here. Everything else stays in JavaScript with `ws`: the browser → display
// direction (masked frames, small), the handshake before piping, and closing. Control frames (ping/pong) that
// JavaScript wants sent go through control(), so they are written between two data frames, never inside one.
//
// Safety: start() dup()s both descriptors, so a descriptor number Node closes and reuses for another socket is
// never written to by this thread; stop() closes the duplicates. One mutex guards every connection; the thread
// holds it only while it runs non-blocking system calls, never while it waits. A stopped connection is freed
// by the thread before its next wait, so an event already taken for it is only ever seen as "dead".
//
// JS API (all on the main thread):
//   init(onEnd(id, reason))   first of all (again: the new callback takes over); reason: 0 the display closed, 1 the display failed, 2 the browser failed
//   start(displayFd, browserFd) → id
//   control(id, frame: Buffer) → true if queued (at most one waits; a ping/pong frame, complete with header)
//   stop(id) → [atFrameBoundary: boolean, payloadBytes: number]
//   bytes(id) → payload bytes moved so far

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PIPE_BYTES
#define PIPE_BYTES (256 * 1024)
#endif
#define MAX_CONTROL 136

enum { IDLE, HEADER, BODY };
enum { END_DISPLAY_CLOSED = 0, END_DISPLAY_FAILED = 1, END_BROWSER_FAILED = 2 };

typedef struct conn {
  uint32_t id;
  int in_fd, out_fd;   // our duplicates: display socket, browser socket
  int pipe_r, pipe_w;
  size_t frame_max;    // the pipe's capacity
  int state;
  size_t body_left;    // bytes of the current frame still in the pipe
  uint8_t header[10];
  int header_len, header_off;
  uint8_t control[MAX_CONTROL];
  int control_len, control_off;
  int eof;             // the display closed; finish once the pipe is empty
  int finished;        // ended here; waiting for stop()
  int dead;            // stopped; freed by the thread before its next wait
  uint64_t bytes;
  struct conn *next;   // live list, then dead list
} conn;

typedef struct {
  uint32_t id;
  int reason;
} end_msg;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int epfd = -1;
static conn *live = NULL;
static conn *dead = NULL;
static uint32_t next_id = 1;
static napi_threadsafe_function on_end = NULL;

static void release(conn *c) {
  // stop() already closed every descriptor; only the memory is left, freed here because an event the thread
  // took before stop() may still point to it
  free(c);
}

static void finish(conn *c, int reason) {
  if (c->finished) return;
  c->finished = 1;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->in_fd, NULL);
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->out_fd, NULL);
  end_msg *msg = malloc(sizeof *msg);
  if (!msg) return;
  msg->id = c->id;
  msg->reason = reason;
  if (napi_call_threadsafe_function(on_end, msg, napi_tsfn_nonblocking) != napi_ok) free(msg);
}

// Runs the connection until it has to wait (EAGAIN on the side it needs) or ends. Called with mu held.
static void pump(conn *c) {
  while (!c->finished && !c->dead) {
    if (c->state == IDLE) {
      if (c->control_len) {
        ssize_t w = send(c->out_fd, c->control + c->control_off, c->control_len - c->control_off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0) {
          if (errno == EINTR) continue;
          if (errno != EAGAIN) finish(c, END_BROWSER_FAILED);
          return;
        }
        c->control_off += (int)w;
        if (c->control_off == c->control_len) c->control_len = c->control_off = 0;
        continue;
      }
      if (c->eof) {
        finish(c, END_DISPLAY_CLOSED);
        return;
      }
      size_t got = 0;
      for (;;) {
        ssize_t r = splice(c->in_fd, NULL, c->pipe_w, NULL, c->frame_max - got, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (r > 0) {
          got += (size_t)r;
          if (got >= c->frame_max) break;
          continue;
        }
        if (r == 0) {
          c->eof = 1;
          break;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;  // the socket is empty, or the pipe is full
        finish(c, END_DISPLAY_FAILED);
        return;
      }
      if (got == 0) {
        if (c->eof) continue;  // finishes above
        return;                // wait for the display
      }
      // one binary frame (FIN, opcode 2), unmasked: the server side
      c->header[0] = 0x82;
      if (got < 126) {
        c->header[1] = (uint8_t)got;
        c->header_len = 2;
      } else if (got < 65536) {
        c->header[1] = 126;
        c->header[2] = (uint8_t)(got >> 8);
        c->header[3] = (uint8_t)got;
        c->header_len = 4;
      } else {
        c->header[1] = 127;
        for (int i = 0; i < 8; i++) c->header[2 + i] = (uint8_t)((uint64_t)got >> (56 - 8 * i));
        c->header_len = 10;
      }
      c->header_off = 0;
      c->body_left = got;
      c->state = HEADER;
    } else if (c->state == HEADER) {
      ssize_t w = send(c->out_fd, c->header + c->header_off, c->header_len - c->header_off, MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) finish(c, END_BROWSER_FAILED);
        return;
      }
      c->header_off += (int)w;
      if (c->header_off == c->header_len) c->state = BODY;
    } else {
      ssize_t w = splice(c->pipe_r, NULL, c->out_fd, NULL, c->body_left, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) finish(c, END_BROWSER_FAILED);
        return;  // the browser's socket is full: wait until it drains
      }
      if (w == 0) {  // cannot happen with bytes in the pipe; do not spin
        finish(c, END_BROWSER_FAILED);
        return;
      }
      c->body_left -= (size_t)w;
      c->bytes += (uint64_t)w;
      if (c->body_left == 0) c->state = IDLE;
    }
  }
}

static void *loop(void *arg) {
  (void)arg;
  struct epoll_event events[64];
  for (;;) {
    pthread_mutex_lock(&mu);
    while (dead) {
      conn *c = dead;
      dead = c->next;
      release(c);
    }
    pthread_mutex_unlock(&mu);
    int n = epoll_wait(epfd, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return NULL;
    }
    pthread_mutex_lock(&mu);
    for (int i = 0; i < n; i++) {
      conn *c = events[i].data.ptr;
      if (!c->dead && !c->finished) pump(c);
    }
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

static conn *find(uint32_t id) {
  for (conn *c = live; c; c = c->next)
    if (c->id == id) return c;
  return NULL;
}

// ── N-API ───────────────────────────────────────────────────────────────────────────────────────────────

static napi_value throw_error(napi_env env, const char *what) {
  char text[160];
  snprintf(text, sizeof text, "wspump: %s (%s)", what, strerror(errno));
  napi_throw_error(env, NULL, text);
  return NULL;
}

static void call_on_end(napi_env env, napi_value fn, void *context, void *data) {
  (void)context;
  end_msg *msg = data;
  if (env && fn) {
    napi_value args[2], undefined;
    napi_create_uint32(env, msg->id, &args[0]);
    napi_create_int32(env, msg->reason, &args[1]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, fn, 2, args, NULL);
  }
  free(msg);
}

static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], name;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_threadsafe_function fn;
  napi_create_string_utf8(env, "wspump", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, NULL, call_on_end, &fn) != napi_ok) return NULL;
  // the sockets keep the process alive, not this
  napi_unref_threadsafe_function(env, fn);
  pthread_mutex_lock(&mu);
  napi_threadsafe_function old = on_end;
  on_end = fn;  // a second init (a new module graph in the same process, as test runners make) takes over
  pthread_mutex_unlock(&mu);
  if (old) {
    napi_release_threadsafe_function(old, napi_tsfn_abort);
    return NULL;  // the thread and the epoll set exist already
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return throw_error(env, "epoll_create1");
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int err = pthread_create(&thread, &attr, loop, NULL);
  pthread_attr_destroy(&attr);
  if (err) {
    errno = err;
    return throw_error(env, "pthread_create");
  }
  return NULL;
}

static int int_arg(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  int64_t display_fd, browser_fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!on_end) {
    napi_throw_error(env, NULL, "wspump: call init() first");
    return NULL;
  }
  if (argc < 2 || !int_arg(env, argv[0], &display_fd) || !int_arg(env, argv[1], &browser_fd) || display_fd < 0 || browser_fd < 0) {
    napi_throw_type_error(env, NULL, "wspump: start(displayFd, browserFd) takes two descriptors");
    return NULL;
  }
  conn *c = calloc(1, sizeof *c);
  if (!c) return throw_error(env, "calloc");
  c->in_fd = c->out_fd = c->pipe_r = c->pipe_w = -1;
  int p[2];
  c->in_fd = fcntl((int)display_fd, F_DUPFD_CLOEXEC, 3);
  c->out_fd = fcntl((int)browser_fd, F_DUPFD_CLOEXEC, 3);
  if (c->in_fd < 0 || c->out_fd < 0 || pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0) goto fail;
  c->pipe_r = p[0];
  c->pipe_w = p[1];
  int size = fcntl(c->pipe_w, F_SETPIPE_SZ, PIPE_BYTES);
  if (size < 0) size = fcntl(c->pipe_w, F_GETPIPE_SZ);
  c->frame_max = size > 0 ? (size_t)size : 65536;
  pthread_mutex_lock(&mu);
  c->id = next_id++;
  if (next_id == 0) next_id = 1;
  struct epoll_event in_ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = c};
  struct epoll_event out_ev = {.events = EPOLLOUT | EPOLLET, .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->in_fd, &in_ev) < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, c->out_fd, &out_ev) < 0) {
    int saved = errno;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->in_fd, NULL);
    pthread_mutex_unlock(&mu);
    errno = saved;
    goto fail;
  }
  c->next = live;
  live = c;
  pthread_mutex_unlock(&mu);
  napi_create_uint32(env, c->id, &result);
  return result;
fail: {
  int saved = errno;
  if (c->in_fd >= 0) close(c->in_fd);
  if (c->out_fd >= 0) close(c->out_fd);
  if (c->pipe_r >= 0) close(c->pipe_r);
  if (c->pipe_w >= 0) close(c->pipe_w);
  free(c);
  errno = saved;
  return throw_error(env, "start");
}
}

static int id_arg(napi_env env, napi_callback_info info, uint32_t *id, napi_value *second) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_uint32(env, argv[0], id) != napi_ok) {
    napi_throw_type_error(env, NULL, "wspump: expected a connection id");
    return 0;
  }
  if (second) *second = argc > 1 ? argv[1] : NULL;
  return 1;
}

static napi_value js_stop(napi_env env, napi_callback_info info) {
  uint32_t id;
  if (!id_arg(env, info, &id, NULL)) return NULL;
  pthread_mutex_lock(&mu);
  conn **link = &live;
  while (*link && (*link)->id != id) link = &(*link)->next;
  conn *c = *link;
  int boundary = 1;
  double bytes = 0;
  if (c) {
    *link = c->next;
    boundary = c->state == IDLE && c->control_off == 0;
    bytes = (double)c->bytes;
    if (!c->finished) {
      epoll_ctl(epfd, EPOLL_CTL_DEL, c->in_fd, NULL);
      epoll_ctl(epfd, EPOLL_CTL_DEL, c->out_fd, NULL);
    }
    close(c->in_fd);
    close(c->out_fd);
    close(c->pipe_r);
    close(c->pipe_w);
    c->pipe_r = c->pipe_w = -1;
    c->dead = 1;
    c->next = dead;
    dead = c;
  }
  pthread_mutex_unlock(&mu);
  napi_value result, flag, count;
  napi_create_array_with_length(env, 2, &result);
  napi_get_boolean(env, boundary, &flag);
  napi_create_double(env, bytes, &count);
  napi_set_element(env, result, 0, flag);
  napi_set_element(env, result, 1, count);
  return result;
}

static napi_value js_control(napi_env env, napi_callback_info info) {
  uint32_t id;
  napi_value frame;
  if (!id_arg(env, info, &id, &frame)) return NULL;
  void *data;
  size_t len;
  bool is_buffer = false;
  if (frame) napi_is_buffer(env, frame, &is_buffer);
  if (!is_buffer || napi_get_buffer_info(env, frame, &data, &len) != napi_ok || len == 0 || len > MAX_CONTROL) {
    napi_throw_type_error(env, NULL, "wspump: control(id, frame) takes a complete control frame of at most 136 bytes");
    return NULL;
  }
  int queued = 0;
  pthread_mutex_lock(&mu);
  conn *c = find(id);
  if (c && !c->finished && c->control_len == 0) {
    memcpy(c->control, data, len);
    c->control_len = (int)len;
    c->control_off = 0;
    queued = 1;
    pump(c);  // at a frame boundary it goes out now; otherwise after the current frame
  }
  pthread_mutex_unlock(&mu);
  napi_value result;
  napi_get_boolean(env, queued, &result);
  return result;
}

static napi_value js_bytes(napi_env env, napi_callback_info info) {
  uint32_t id;
  if (!id_arg(env, info, &id, NULL)) return NULL;
  pthread_mutex_lock(&mu);
  conn *c = find(id);
  double bytes = c ? (double)c->bytes : 0;
  pthread_mutex_unlock(&mu);
  napi_value result;
  napi_create_double(env, bytes, &result);
  return result;
}

static napi_value module_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"init", NULL, js_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, js_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"control", NULL, js_control, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bytes", NULL, js_bytes, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)
