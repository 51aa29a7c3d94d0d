// SPDX-License-Identifier: MIT
module local/goseed

go 1.19
