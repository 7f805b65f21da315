package dev.taskboard.devops.hitl;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;

/** The text a new human-requests.md starts from: the shipped template, or a built-in copy of it. */
final class Template {
  static final String RESOURCE = "/demo/human-requests.md.template";

  /** The top-level human-requests.md.template as of this build; a test keeps the two equal. */
  static final String BUILT_IN =
      """
    # Human Requests

    _Questions, approvals and blockers the agents of this project need a human for. Answer in this
    file: the agents read it back._

    ---

    ## 🔄 Pending Requests

    _Requests awaiting human response or action_

    ---

    ## 🚀 In Progress

    _Requests a human has taken up and is working on_

    ---

    ## ✅ Resolved

    _Answered requests, with what was done about them and when_

    ---

    ## How to answer

    Each request is a `### ID: title` entry; answer under its **Human Response**, in place of
    `_(Please add your response here)_`. To decide a request of DevOps-Engineer (the devops-worker
    daemon), run `devops-worker approve HITL-ID` (or `reject`, `retry`; see README): it signs your
    decision. For a note, write free text. Leave the heading and the `<!-- devops-worker ... -->`
    line under it as they are, and never copy them: when an id appears twice, the worker acts on
    neither entry. Text in HTML comments and code blocks is not read as a request. Once it has
    acted, the worker moves the entry to Resolved, adding **Actions Taken** and **Resolved Date**.
    Move an entry under In Progress while you look into it; edit only the entries you answer.

    ## Request Types

    - **Agent Clarification**: an agent needs a fact or a decision before it can go on.
    - **Deployment Approval**: a release waits for a human go or no-go.
    - **Missing Evidence**: a quality gate cannot decide because test, review, security or other
      results are missing.
    - **Deployment Failure**: a deployment failed after its retries and was rolled back; someone
      should look at the cause.
    - **Runbook Missing**: a task type has no section in `deployment.md` yet.
    - **Feature Request**, **Bug Report**, **Strategy**: what the agents raise about the product
      itself.

    ## Priority

    - **Critical**: production is affected or a release is stuck; answer now.
    - **High**: a task is blocked until you answer; answer today.
    - **Medium**: needed soon; the agents go on with other work meanwhile.
    - **Low**: whenever it suits you.

    ## Status

    - **Pending**: waiting for a human.
    - **In Progress**: a human is on it.
    - **Resolved**: answered and acted on; see Actions Taken and Resolved Date.
    """;

  private Template() {}

  /** The jar's copy of the template when it has one, else {@link #BUILT_IN}. */
  static byte[] bytes() throws IOException {
    try (InputStream in = Template.class.getResourceAsStream(RESOURCE)) {
      return in == null ? BUILT_IN.getBytes(UTF_8) : in.readAllBytes();
    }
  }
}
