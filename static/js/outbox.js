// Changes a phone has made but the server has not yet acknowledged, kept in
// localStorage so that neither a dropped connection nor a reload loses them.
// They are sent one at a time, in order; each carries the answer's client id,
// so sending one twice is harmless.

export function newClientId() {
  // crypto.randomUUID needs a secure context; phones on a local http address lack one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Outbox {
  constructor(storageKey) {
    this.key = storageKey;
    this.ops = this.load();
    this.sending = false;
  }

  load() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  save() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.ops));
    } catch {
      // Storage full or disabled: the operations still live in memory for this page.
    }
  }

  add(op) {
    // A ballot is sent whole: a newer change to one replaces the change still waiting (its seq
    // tells the server which is newer, should the replaced one be on its way already).
    if (op.type === "ballot") {
      this.ops = this.ops.filter((each) => !sameBallot(each, op));
      this.ops.push(op);
      this.save();
      return;
    }
    // An edit or delete of an answer still waiting to be sent folds into that answer.
    const pending = this.ops.find((each) => each.type === "submit" && each.client_id === op.client_id);
    if (pending && op.type === "edit") pending.text = op.text;
    else if (pending && op.type === "delete") this.ops = this.ops.filter((each) => each !== pending);
    else this.ops.push(op);
    this.save();
  }

  pending() {
    return [...this.ops];
  }

  // send(op) resolves to a reply; a reply marked offline keeps the op for later, one that
  // asks to retry after a wait is sent again then.
  async flush(send, onReply) {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.ops.length) {
        const op = this.ops[0];
        const reply = await send(op);
        if (reply.offline) break;
        // Sending too fast: the server took nothing; the same op goes again after the wait.
        if (reply.retry_after) {
          await new Promise((resolve) => setTimeout(resolve, reply.retry_after * 1000));
          continue;
        }
        // By identity, not position: a ballot may have been replaced while this one was on its way.
        this.ops = this.ops.filter((each) => each !== op);
        this.save();
        onReply(op, reply);
      }
    } finally {
      this.sending = false;
    }
  }
}

// The same ballot: one question, in the same group (or both in the plenary).
function sameBallot(one, other) {
  const sameGroup = (one.group ?? null) === (other.group ?? null);
  return one.type === "ballot" && one.question_id === other.question_id && sameGroup;
}

export function draftStore(key) {
  return {
    get: () => localStorage.getItem(key) || "",
    set: (text) => {
      try {
        if (text) localStorage.setItem(key, text);
        else localStorage.removeItem(key);
      } catch {
        // Nothing more can be done; the text is still in the box.
      }
    },
  };
}
