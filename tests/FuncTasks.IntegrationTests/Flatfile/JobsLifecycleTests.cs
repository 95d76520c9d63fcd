using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FuncTasks.IntegrationTests.Infrastructure;

namespace FuncTasks.IntegrationTests.Flatfile;

public sealed class JobsLifecycleTests : AppTest
{
    [Fact]
    public async Task Agent_driven_job_goes_ready_acked_failed_retried_completed_and_outcome_acknowledged()
    {
        var job = JobsTestApi.AgentJob();
        job["destination"] = "us_wb_dest";
        job["config"] = new JsonObject { ["sheet"] = "contacts" };
        job["mode"] = "background";
        job["input"] = new JsonObject { ["rows"] = 10 };
        job["subject"] = new JsonObject { ["type"] = "resource", ["id"] = "us_wb_test" };
        job["metadata"] = new JsonObject { ["origin"] = "test" };
        job["managed"] = true;
        job["environmentId"] = "us_env_1";
        job["spaceId"] = "us_sp_1";
        job["fileId"] = "us_fl_1";

        var created = await Client.CreateJobAsync(job);

        var id = created["id"].Str();
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("ready", created["status"].Str());
        Assert.Equal("workbook", created["type"].Str());
        Assert.Equal("submitAction", created["operation"].Str());
        Assert.Equal("us_wb_test", created["source"].Str());
        Assert.Equal("us_wb_dest", created["destination"].Str());
        Assert.Equal("immediate", created["trigger"].Str());
        Assert.Equal("background", created["mode"].Str());
        Assert.Equal("contacts", created["config"]!["sheet"].Str());
        Assert.Equal(10, created["input"]!["rows"]!.GetValue<int>());
        Assert.Equal("resource", created["subject"]!["type"].Str());
        Assert.Equal("test", created["metadata"]!["origin"].Str());
        Assert.True(created["managed"]!.GetValue<bool>());
        Assert.Equal("us_env_1", created["environmentId"].Str());
        Assert.Equal("us_sp_1", created["spaceId"].Str());
        Assert.Equal("us_fl_1", created["fileId"].Str());
        Assert.Equal("test-operator", created["createdBy"].Str());
        Assert.Equal(0, created["progress"]!.GetValue<int>());
        Assert.EndsWith("Z", created["createdAt"].Str());
        Assert.EndsWith("Z", created["updatedAt"].Str());
        Assert.Null(created["startedAt"]);
        Assert.Null(created["finishedAt"]);
        Assert.Null(created["outcome"]);
        Assert.Null(created["outcomeAcknowledgedAt"]);

        var ack1 = await Client.JobActionAsync(id, "ack", new JsonObject { ["info"] = "reading rows", ["progress"] = 30, ["estimatedCompletionAt"] = "2030-01-15T09:30:00Z" });
        Assert.Equal("executing", ack1["status"].Str());
        Assert.Equal(30, ack1["progress"]!.GetValue<int>());
        Assert.Equal("reading rows", ack1["info"].Str());
        Assert.Equal("2030-01-15T09:30:00.000Z", ack1["estimatedCompletionAt"].Str());
        Assert.NotNull(ack1["startedAt"]);
        Assert.Null(ack1["finishedAt"]);

        var ack2 = await Client.JobActionAsync(id, "ack", new JsonObject { ["info"] = "writing rows", ["progress"] = 80 });
        Assert.Equal("executing", ack2["status"].Str());
        Assert.Equal(80, ack2["progress"]!.GetValue<int>());
        Assert.Equal("writing rows", ack2["info"].Str());
        Assert.Equal(ack1["startedAt"].Str(), ack2["startedAt"].Str());

        var outcome = new JsonObject { ["heading"] = "Failed", ["message"] = "Row 7 is invalid", ["acknowledge"] = true };
        var failed = await Client.JobActionAsync(id, "fail", new JsonObject { ["outcome"] = outcome, ["info"] = "stopped at row 7" });
        Assert.Equal("failed", failed["status"].Str());
        Assert.Equal("Row 7 is invalid", failed["outcome"]!["message"].Str());
        Assert.Equal("Failed", failed["outcome"]!["heading"].Str());
        Assert.Equal("stopped at row 7", failed["info"].Str());
        Assert.Equal(80, failed["progress"]!.GetValue<int>());
        Assert.NotNull(failed["finishedAt"]);
        Assert.True(failed["finishedAt"].Time() >= failed["startedAt"].Time());

        var retried = await Client.JobActionAsync(id, "retry");
        Assert.Equal("ready", retried["status"].Str());
        Assert.Equal(id, retried["id"].Str());
        Assert.Equal(0, retried["progress"]!.GetValue<int>());
        Assert.Null(retried["outcome"]);
        Assert.Null(retried["finishedAt"]);
        Assert.Null(retried["startedAt"]);
        Assert.Null(retried["info"]);
        Assert.Equal("submitAction", retried["operation"].Str());
        Assert.Equal("contacts", retried["config"]!["sheet"].Str());

        var ack3 = await Client.JobActionAsync(id, "ack", new JsonObject { ["progress"] = 50 });
        Assert.Equal("executing", ack3["status"].Str());
        Assert.Equal(50, ack3["progress"]!.GetValue<int>());

        var completed = await Client.JobActionAsync(id, "complete", new JsonObject
        {
            ["outcome"] = new JsonObject { ["heading"] = "Success", ["message"] = "10 rows submitted" },
            ["info"] = "done",
        });
        Assert.Equal("complete", completed["status"].Str());
        Assert.Equal(100, completed["progress"]!.GetValue<int>());
        Assert.Equal("10 rows submitted", completed["outcome"]!["message"].Str());
        Assert.Equal("done", completed["info"].Str());
        Assert.NotNull(completed["finishedAt"]);
        Assert.Null(completed["outcomeAcknowledgedAt"]);

        var seen = await Client.JobActionAsync(id, "outcome/ack");
        Assert.Equal("complete", seen["status"].Str());
        Assert.NotNull(seen["outcomeAcknowledgedAt"]);
        Assert.True(seen["outcomeAcknowledgedAt"].Time() >= seen["finishedAt"].Time());

        var again = await Client.JobActionAsync(id, "outcome/ack");
        Assert.Equal(seen["outcomeAcknowledgedAt"].Str(), again["outcomeAcknowledgedAt"].Str());
        var read = await Client.GetJobAsync(id);
        Assert.Equal(seen.ToJsonString(), read.ToJsonString());
    }

    [Fact]
    public async Task A_manual_job_stays_created_until_executed_then_becomes_ready()
    {
        var created = await Client.CreateJobAsync(JobsTestApi.AgentJob(trigger: "manual"));
        var id = created["id"].Str();
        Assert.Equal("created", created["status"].Str());
        Assert.Equal("manual", created["trigger"].Str());

        var ack = await Client.PostJobAsync(id, "ack");
        Assert.Contains("created", await ack.ErrorAsync(HttpStatusCode.Conflict));

        var executed = await Client.PostJobAsync(id, "execute");
        Assert.Equal(HttpStatusCode.OK, executed.StatusCode);
        Assert.True((await executed.ReadJsonAsync())["data"]!["success"]!.GetValue<bool>());
        Assert.Equal("ready", (await Client.GetJobAsync(id))["status"].Str());

        var twice = await Client.PostJobAsync(id, "execute");
        Assert.Equal("Job can not be executed: it is ready. Only a created job can be executed.", await twice.ErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Completing_a_ready_job_without_an_ack_completes_it()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();

        var completed = await Client.JobActionAsync(id, "complete");

        Assert.Equal("complete", completed["status"].Str());
        Assert.NotNull(completed["startedAt"]);
        Assert.NotNull(completed["finishedAt"]);
        var late = await Client.PostJobAsync(id, "fail");
        Assert.Equal("Job can not be failed: it is complete. Only a ready or executing job can be failed.", await late.ErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Outcome_ack_of_a_job_that_has_not_finished_returns_409()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();

        var response = await Client.PostJobAsync(id, "outcome/ack");

        Assert.Contains("Only a finished job has an outcome", await response.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Null((await Client.GetJobAsync(id))["outcomeAcknowledgedAt"]);
    }

    [Fact]
    public async Task Cancel_of_an_executing_planned_job_signals_its_running_step_and_no_later_step_runs()
    {
        await using var target = await TargetServer.StartAsync();
        target.Respond("slow", 200, "late", TimeSpan.FromSeconds(30));
        var created = await Client.CreateJobAsync(JobsTestApi.PlannedJob("slow",
            TestApi.HttpStep("slow", target.Url("slow")), TestApi.HttpStep("after", target.Url("after"))));
        var id = created["id"].Str();
        Assert.Equal("executing", created["status"].Str());
        await target.Entered("slow").WaitAsync(TimeSpan.FromSeconds(30));

        var canceled = await Client.JobActionAsync(id, "cancel", new JsonObject { ["info"] = "not needed" });

        Assert.Equal("canceled", canceled["status"].Str());
        Assert.Equal("not needed", canceled["info"].Str());
        Assert.NotNull(canceled["finishedAt"]);
        await Eventually.Until(() => target.Cancelled("slow") == 1, "the running step's call was cancelled", every: TimeSpan.FromMilliseconds(25));
        var steps = (await Client.GetPlanAsync(id))["plan"]!["steps"]!.AsArray();
        Assert.Equal(["cancelled", "cancelled"], steps.Select(s => s!["status"].Str()));
        Assert.Equal(0, target.Calls("after"));
        var again = await Client.PostJobAsync(id, "cancel");
        Assert.Equal("Job can not be canceled: it is canceled. Only a job that has not finished can be canceled.", await again.ErrorAsync(HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Patch_edits_a_running_job_and_refuses_a_finished_one()
    {
        var id = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();

        var patched = await (await Client.PatchAsJsonAsync($"/v1/jobs/{id}", new JsonObject
        {
            ["info"] = "queued behind others",
            ["metadata"] = new JsonObject { ["priority"] = "low" },
            ["config"] = new JsonObject { ["sheet"] = "people" },
        })).DataAsync(HttpStatusCode.OK, "PATCH");

        Assert.Equal("queued behind others", patched["info"].Str());
        Assert.Equal("low", patched["metadata"]!["priority"].Str());
        Assert.Equal("people", patched["config"]!["sheet"].Str());
        Assert.Equal("ready", patched["status"].Str());

        var status = await Client.PatchAsJsonAsync($"/v1/jobs/{id}", new JsonObject { ["status"] = "complete" });
        Assert.Contains("/complete", await status.ErrorAsync(HttpStatusCode.BadRequest, "status"));
        Assert.Equal("ready", (await Client.GetJobAsync(id))["status"].Str());

        await Client.JobActionAsync(id, "complete");
        var late = await Client.PatchAsJsonAsync($"/v1/jobs/{id}", new JsonObject { ["info"] = "too late" });
        Assert.Equal("Job can not be edited: it is complete. Only a job that has not finished can be edited.", await late.ErrorAsync(HttpStatusCode.Conflict));
        Assert.Equal("queued behind others", (await Client.GetJobAsync(id))["info"].Str());
    }

    [Fact]
    public async Task Delete_removes_a_finished_job_but_not_an_executing_one()
    {
        var done = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(done, "fail", new JsonObject { ["info"] = "broken" });
        var running = (await Client.CreateJobAsync(JobsTestApi.AgentJob()))["id"].Str();
        await Client.JobActionAsync(running, "ack");

        var refused = await Client.DeleteAsync($"/v1/jobs/{running}");
        Assert.Equal("Job can not be deleted while it is executing; cancel it first.", await refused.ErrorAsync(HttpStatusCode.Conflict));

        var deleted = await Client.DeleteAsync($"/v1/jobs/{done}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.True((await deleted.ReadJsonAsync())["data"]!["success"]!.GetValue<bool>());
        Assert.Contains(done, await (await Client.GetAsync($"/v1/jobs/{done}")).ErrorAsync(HttpStatusCode.NotFound));
        Assert.Equal(1, await App.CountTaskRowsAsync());
        var rowsLeft = 0;
        await foreach (var _ in App.TasksTable.QueryAsync<Azure.Data.Tables.TableEntity>($"PartitionKey eq '{done}'"))
        {
            rowsLeft++;
        }

        Assert.Equal(0, rowsLeft);
    }

    [Fact]
    public async Task Preview_mutation_answers_501_saying_it_is_record_data_specific()
    {
        var response = await Client.PostAsJsonAsync("/v1/jobs/preview-mutation", new JsonObject { ["sheetId"] = "us_sh_1", ["mutateRecord"] = "x" });

        Assert.Contains("record data", await response.ErrorAsync(HttpStatusCode.NotImplemented));
    }
}
