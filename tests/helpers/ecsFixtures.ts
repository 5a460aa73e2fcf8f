/** The DescribeTasks fixtures, as the SDK hands them over (times as Dates). */
import { readFileSync } from "fs";
import * as path from "path";
import type { Task } from "@aws-sdk/client-ecs";

export const FIXTURES = path.join(__dirname, "..", "..", "..", "tests", "fixtures");

export function fixtureText(name: string): string {
    return readFileSync(path.join(FIXTURES, name), "utf8");
}

/** The wire JSON's epoch seconds turned into Dates, as the SDK's deserializer does. */
export function sdkTask(wire: Record<string, unknown>): Task {
    const out: Record<string, unknown> = { ...wire };
    for (const key of ["createdAt", "startedAt", "stoppedAt", "stoppingAt", "connectivityAt", "pullStartedAt", "pullStoppedAt"]) {
        if (typeof wire[key] === "number") out[key] = new Date((wire[key] as number) * 1000);
    }
    return out as Task;
}

export function stoppedTaskWire(): Record<string, unknown> {
    return JSON.parse(fixtureText("describe-tasks-stopped.json")).tasks[0];
}

export const TASK_ARN = "arn:aws:ecs:ap-northeast-2:123456789012:task/web/a1b2c3d4e5f60718293a4b5c6d7e8f90";
export const TASK_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
export const TASK_ENI = "eni-0a1b2c3d4e5f60718";
