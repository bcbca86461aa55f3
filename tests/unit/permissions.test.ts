// The permission table: every predicate of src/server/auth/permissions.ts, one row per (who, relationship,
// resource) and the expected answer. The decisions are pure; the database lookups beside them are thin.
import { describe, expect, it } from "vitest";
import {
  type ClassRole,
  classRole,
  classTeacherIds,
  isAdmin,
  isStudent,
  isTeacher,
  jobClassId,
  mayControlMachine,
  mayDecideRequest,
  mayEditTemplate,
  mayHoldScope,
  mayManageClass,
  mayPlaceMachines,
  mayReachMachine,
  maySeeDisplay,
  mayUseTemplate,
  mayViewJob,
  mayViewRequest,
  type TaughtClass,
  taughtClassesWhere,
  teachesClass,
  usableTemplatesWhere,
  visibleClassesWhere,
  type Who,
} from "@/server/auth/permissions";

const admin: Who = { id: "admin", role: "ADMIN" };
const teacher: Who = { id: "teacher", role: "TEACHER" };
const coTeacher: Who = { id: "co", role: "TEACHER" };
const otherTeacher: Who = { id: "other-teacher", role: "TEACHER" };
const student: Who = { id: "student", role: "STUDENT" };
const otherStudent: Who = { id: "other-student", role: "STUDENT" };
/** A student listed as a class's owner or co-owner (demoted after the fact): never a teacher of it. */
const demoted: Who = { id: "demoted", role: "STUDENT" };
const coAdmin: Who = { id: "co-admin", role: "ADMIN" };

const cls: TaughtClass = { ownerId: "teacher", coOwners: [{ userId: "co" }, { userId: "co-admin" }] };
const demotedOwns: TaughtClass = { ownerId: "demoted", coOwners: [] };
const demotedCoOwns: TaughtClass = { ownerId: "teacher", coOwners: [{ userId: "demoted" }] };

type Row<I> = [string, I, unknown];
function table<I extends unknown[]>(name: string, fn: (...args: I) => unknown, rows: Row<I>[]) {
  describe(name, () => {
    it.each(rows)("%s", (_label, args, expected) => {
      expect(fn(...args)).toEqual(expected);
    });
  });
}

table("roles", (who: Who) => [isAdmin(who), isTeacher(who), isStudent(who)], [
  ["admin", [admin], [true, false, false]],
  ["teacher", [teacher], [false, true, false]],
  ["student", [student], [false, false, true]],
]);
table("isAdmin of nobody", isAdmin, [
  ["null", [null], false],
  ["undefined", [undefined], false],
]);

table("mayHoldScope", mayHoldScope, [
  ["admin · admin scope", [admin, "admin"], true],
  ["admin · write", [admin, "write"], true],
  ["teacher · admin scope", [teacher, "admin"], false],
  ["teacher · read", [teacher, "read"], true],
  ["student · write", [student, "write"], true],
  ["student · admin scope", [student, "admin"], false],
]);

table("teachesClass", teachesClass, [
  ["owner (teacher)", [teacher, cls], true],
  ["co-owner (teacher)", [coTeacher, cls], true],
  ["co-owner (admin)", [coAdmin, cls], true],
  ["admin, not a teacher of it", [admin, cls], false],
  ["other teacher", [otherTeacher, cls], false],
  ["student", [student, cls], false],
  ["student listed as owner", [demoted, demotedOwns], false],
  ["student listed as co-owner", [demoted, demotedCoOwns], false],
  ["no class", [teacher, null], false],
  ["undefined class", [teacher, undefined], false],
]);

table("mayManageClass", mayManageClass, [
  ["owner", [teacher, cls], true],
  ["co-owner", [coTeacher, cls], true],
  ["admin", [admin, cls], true],
  ["other teacher", [otherTeacher, cls], false],
  ["student", [student, cls], false],
  ["student listed as owner", [demoted, demotedOwns], false],
  ["admin · no class", [admin, null], false],
]);

table("classTeacherIds", classTeacherIds, [
  ["owner and co-owners", [cls], ["teacher", "co", "co-admin"]],
  ["owner only", [demotedOwns], ["demoted"]],
  ["no class", [null], []],
]);

table("classRole", classRole, [
  ["owner", [teacher, cls, false], "owner" satisfies ClassRole],
  ["owner, also enrolled", [teacher, cls, true], "owner"],
  ["co-owner (teacher)", [coTeacher, cls, false], "co-owner"],
  ["co-owner (admin)", [coAdmin, cls, false], "co-owner"],
  ["admin", [admin, cls, false], "admin"],
  ["enrolled student", [student, cls, true], "student"],
  ["student not enrolled", [otherStudent, cls, false], null],
  ["other teacher not enrolled", [otherTeacher, cls, false], null],
  ["other teacher enrolled", [otherTeacher, cls, true], "student"],
  ["student listed as owner", [demoted, demotedOwns, false], "owner"],
  ["student listed as co-owner, not enrolled", [demoted, demotedCoOwns, false], null],
  ["student listed as co-owner, enrolled", [demoted, demotedCoOwns, true], "student"],
]);

const own = (ownerId: string | null, c: TaughtClass | null = null) => ({ ownerId, class: c });
table("mayControlMachine", mayControlMachine, [
  ["owner (student)", [student, own("student")], true],
  ["owner (teacher)", [teacher, own("teacher")], true],
  ["someone else's", [student, own("other-student")], false],
  ["other teacher · someone's machine", [otherTeacher, own("student")], false],
  ["admin · anyone's", [admin, own("student")], true],
  ["admin · ownerless", [admin, own(null)], true],
  ["class owner · student's class machine", [teacher, own("student", cls)], true],
  ["class co-owner · kept (ownerless) machine", [coTeacher, own(null, cls)], true],
  ["other teacher · class machine", [otherTeacher, own("student", cls)], false],
  ["classmate · class machine", [otherStudent, own("student", cls)], false],
  ["student listed as owner · class machine", [demoted, own("student", demotedOwns)], false],
]);

const taught = new Set(["c1"]);
table("mayReachMachine", mayReachMachine, [
  ["admin · anything", [admin, { ownerId: "x", classId: null }, undefined], true],
  ["owner", [student, { ownerId: "student", classId: null }, undefined], true],
  ["other", [student, { ownerId: "x", classId: "c1" }, undefined], false],
  ["teacher · taught class", [teacher, { ownerId: "x", classId: "c1" }, taught], true],
  ["teacher · other class", [teacher, { ownerId: "x", classId: "c2" }, taught], false],
  ["teacher · no class", [teacher, { ownerId: "x", classId: null }, taught], false],
]);

table("mayPlaceMachines", mayPlaceMachines, [
  ["admin", [admin], true],
  ["teacher", [teacher], false],
  ["student", [student], false],
]);
table("maySeeDisplay", maySeeDisplay, [
  ["admin", [admin], true],
  ["teacher", [teacher], false],
  ["nobody", [null], false],
]);

const tpl = (status: string, ownerId: string | null) => ({ status, ownerId });
table("mayUseTemplate", mayUseTemplate, [
  ["ready · anyone", [student, tpl("READY", "teacher")], true],
  ["not ready · owner", [teacher, tpl("UPLOADING", "teacher")], true],
  ["not ready · other teacher", [otherTeacher, tpl("UPLOADING", "teacher")], false],
  ["not ready · student", [student, tpl("FAILED", "teacher")], false],
  ["not ready · admin", [admin, tpl("FAILED", "teacher")], true],
  ["not ready · ownerless · teacher", [teacher, tpl("FAILED", null)], false],
]);
table("mayEditTemplate", mayEditTemplate, [
  ["owner teacher", [teacher, { ownerId: "teacher" }], true],
  ["other teacher", [otherTeacher, { ownerId: "teacher" }], false],
  ["admin · any", [admin, { ownerId: "teacher" }], true],
  ["admin · ownerless", [admin, { ownerId: null }], true],
  ["student listed as owner", [student, { ownerId: "student" }], false],
  ["teacher · ownerless", [teacher, { ownerId: null }], false],
]);

table("jobClassId", jobClassId, [
  ["class job", ['{"classId":"c1","x":1}'], "c1"],
  ["no class", ['{"machineIds":["m"]}'], null],
  ["classId not a string", ['{"classId":3}'], null],
  ["not JSON", ["{"], null],
  ["JSON null", ["null"], null],
]);
table("mayViewJob", mayViewJob, [
  ["creator", [student, { createdById: "student" }, null], true],
  ["someone else's", [student, { createdById: "teacher" }, null], false],
  ["admin · anyone's", [admin, { createdById: "teacher" }, null], true],
  ["class owner · class job by co-owner", [teacher, { createdById: "co" }, cls], true],
  ["class co-owner · class job", [coTeacher, { createdById: "teacher" }, cls], true],
  ["other teacher · class job", [otherTeacher, { createdById: "teacher" }, cls], false],
  ["student of the class · class job", [student, { createdById: "teacher" }, cls], false],
  ["system job (no creator) · teacher", [teacher, { createdById: null }, null], false],
]);

table("mayViewRequest", mayViewRequest, [
  ["author", [student, { userId: "student" }], true],
  ["other", [otherStudent, { userId: "student" }], false],
  ["teacher of no relevance", [teacher, { userId: "student" }], false],
  ["admin", [admin, { userId: "student" }], true],
]);

const hours = (userId: string, classId: string | null = "c1") => ({ userId, kind: "HOURS", classId });
table("mayDecideRequest", mayDecideRequest, [
  ["admin · anything", [admin, { userId: "student", kind: "MACHINES", classId: null }, null], true],
  ["admin · own request", [admin, hours("admin"), cls], true],
  ["class teacher · hours for the class", [teacher, hours("student"), cls], true],
  ["class co-owner · hours for the class", [coTeacher, hours("student"), cls], true],
  ["class teacher · own request", [teacher, hours("teacher"), cls], false],
  ["class teacher · not hours", [teacher, { userId: "student", kind: "MACHINES", classId: "c1" }, cls], false],
  ["class teacher · hours without a class", [teacher, hours("student", null), cls], false],
  ["other teacher", [otherTeacher, hours("student"), cls], false],
  ["student", [otherStudent, hours("student"), cls], false],
]);

table("taughtClassesWhere", taughtClassesWhere, [
  ["teacher", [teacher], { OR: [{ ownerId: "teacher" }, { coOwners: { some: { userId: "teacher" } } }] }],
]);
table("visibleClassesWhere", visibleClassesWhere, [
  ["admin: every class", [admin], {}],
  [
    "student: taught or enrolled",
    [student],
    {
      OR: [
        { ownerId: "student" },
        { coOwners: { some: { userId: "student" } } },
        { enrollments: { some: { userId: "student" } } },
      ],
    },
  ],
]);
table("usableTemplatesWhere", usableTemplatesWhere, [
  ["admin: every template", [admin], {}],
  ["teacher: ready or own", [teacher], { OR: [{ status: "READY" }, { ownerId: "teacher" }] }],
]);
