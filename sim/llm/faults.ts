import { injection, missingFields, outOfRange, truncated, unknownTicker } from "./fault-inputs";
import type { LlmMode, Outcome } from "./modes";
import type { DecisionInput, EvaluationInput } from "./policy";
import type { MessagesRequest } from "./request";
import type { Task } from "./task";

const toolUse = (name: string, input: unknown): Outcome => ({ kind: "message", content: [{ type: "tool_use", name, input }], stopReason: "tool_use" });
const text = (t: string): Outcome => ({ kind: "message", content: [{ type: "text", text: t }], stopReason: "end_turn" });

/** A tool the request declared other than the forced one, else a name it never declared. */
function otherTool(req: MessagesRequest, forced: string): string {
  return (req.tools ?? []).find((t) => t.name !== forced)?.name ?? "execute_trade";
}

/**
 * How a call in `mode` is answered. `answer` is what the well-behaved model would submit (a scripted input
 * or the policy's); fault modes that return content derive theirs from the policy's answer.
 */
export function outcomeFor(mode: LlmMode, task: Task, answer: Record<string, unknown>, req: MessagesRequest): Outcome {
  const a = answer as unknown as DecisionInput | EvaluationInput;
  switch (mode) {
    case "policy":
      return toolUse(task.tool, answer);
    case "timeout":
      return { kind: "hold" };
    case "overloaded":
      return { kind: "error", status: 529, errorType: "overloaded_error", message: "Overloaded" };
    case "server_error":
      return { kind: "error", status: 500, errorType: "api_error", message: "Internal server error" };
    case "invalid_json":
      return { kind: "garbled" };
    case "prose":
      return text(
        "I've reviewed the data you sent. Based on the indicators, here is my decision:\n\n```json\n" +
          JSON.stringify(answer, null, 2) +
          "\n```\n\nLet me know if you would like me to explain any of these in more detail.",
      );
    case "text_only_json":
      return text(JSON.stringify(answer));
    case "out_of_range":
      return toolUse(task.tool, outOfRange(task, a));
    case "unknown_ticker":
      return toolUse(task.tool, unknownTicker(task, a));
    case "injection":
      return toolUse(task.tool, injection(task, a));
    case "missing_fields":
      return toolUse(task.tool, missingFields(task, a));
    case "wrong_tool":
      return toolUse(otherTool(req, task.tool), answer);
    case "empty_content":
      return { kind: "message", content: [], stopReason: "end_turn" };
    case "max_tokens":
      return { kind: "message", content: [{ type: "tool_use", name: task.tool, input: truncated(task, a) }], stopReason: "max_tokens", outputTokens: req.max_tokens };
  }
}
